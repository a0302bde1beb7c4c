#pragma once

#include "jobs/jobcontrol.h"
#include "jobs/jobregistry.h"

#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <functional>
#include <memory>
#include <optional>

namespace salvage {

/// Runs work that needs no database connection (loading a dump, indexing logs, laying out a graph)
/// on a thread pool of its own, listed in the jobs panel with progress and cancel. The value comes
/// back to `context`'s thread, or is dropped when `context` is gone. A job that waits for a free
/// thread says which jobs it waits for; cancelled while it waits, it ends at once and never runs.
class BackgroundJob
{
public:
    using FailureHandler = std::function<void(const QString &message, bool cancelled)>;
    /// Cancels the job (GUI thread): a waiting one ends at once, a running one at its next check.
    using Canceller = std::function<void()>;

    template <typename Result>
    static Canceller start(JobRegistry *registry, const QString &title, const QString &source,
        std::function<Result(JobControl &)> work, QObject *context, std::function<void(Result)> onResult,
        FailureHandler onFailure = {})
    {
        auto box = std::make_shared<std::optional<Result>>();
        return launch(
            registry, title, source,
            [work = std::move(work), box](JobControl &control) { box->emplace(work(control)); }, context,
            [box, onResult = std::move(onResult)]() {
                if (*box)
                    onResult(std::move(**box));
            },
            std::move(onFailure));
    }

    /// The pool background jobs run on (more threads than cores: most jobs wait on a database).
    static QThreadPool *pool();

private:
    static Canceller launch(JobRegistry *registry, const QString &title, const QString &source,
        std::function<void(JobControl &)> work, QObject *context, std::function<void()> deliver,
        FailureHandler onFailure);
};

} // namespace salvage
