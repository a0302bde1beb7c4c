#pragma once

#include <functional>
#include <thread>

namespace salvage::cli {

/// While alive, SIGINT and SIGTERM cancel the running job instead of killing the CLI, so that a
/// restore rolls back and leaves no file behind; a second signal kills as usual. `cancel` runs on
/// a thread of its own (a signal handler may do next to nothing).
class SignalCancel
{
public:
    explicit SignalCancel(std::function<void()> cancel);
    ~SignalCancel();
    SignalCancel(const SignalCancel &) = delete;
    SignalCancel &operator=(const SignalCancel &) = delete;

    /// The signal that arrived, 0 when none did.
    int received() const;

private:
    std::function<void()> m_cancel;
    std::thread m_watcher;
};

} // namespace salvage::cli
