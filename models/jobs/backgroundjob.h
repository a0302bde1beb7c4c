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
/// on a thread pool (Qt's global one unless `pool` is given), listed in the jobs panel with progress
/// and cancel when `registry` is given. The value comes back to `context`'s thread, or is dropped
/// when `context` is gone. The returned control cancels the job.
class BackgroundJob
{
public:
    using FailureHandler = std::function<void(const QString &message, bool cancelled)>;

    template <typename Result>
    static std::shared_ptr<JobControl> start(JobRegistry *registry, const QString &title, const QString &source,
        std::function<Result(JobControl &)> work, QObject *context, std::function<void(Result)> onResult,
        FailureHandler onFailure = {}, QThreadPool *pool = nullptr)
    {
        auto box = std::make_shared<std::optional<Result>>();
        return launch(
            registry, title, source,
            [work = std::move(work), box](JobControl &control) { box->emplace(work(control)); }, context,
            [box, onResult = std::move(onResult)]() {
                if (*box)
                    onResult(std::move(**box));
            },
            std::move(onFailure), pool);
    }

private:
    static std::shared_ptr<JobControl> launch(JobRegistry *registry, const QString &title, const QString &source,
        std::function<void(JobControl &)> work, QObject *context, std::function<void()> deliver,
        FailureHandler onFailure, QThreadPool *pool);
};

} // namespace salvage
