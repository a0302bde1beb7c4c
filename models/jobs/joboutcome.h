#pragma once

namespace salvage {

/// How a job ended. Cancelled is a state of its own, not a failure whose message callers compare:
/// a job that fails with a message reading "Cancelled." still failed.
enum class JobOutcome { Finished, Failed, Cancelled };

/// The outcome of a job that returned (`finished`) or threw, with cancel requested or not.
constexpr JobOutcome jobOutcome(bool finished, bool cancelled)
{
    return finished ? JobOutcome::Finished : cancelled ? JobOutcome::Cancelled : JobOutcome::Failed;
}

} // namespace salvage
