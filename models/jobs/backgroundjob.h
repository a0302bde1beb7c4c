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
/// on Qt's thread pool, listed in the jobs panel with progress and cancel. The value comes back to
/// `context`'s thread, or is dropped when `context` is gone.
class BackgroundJob
{
public:
    using FailureHandler = std::function<void(const QString &message, bool cancelled)>;

    template <typename Result>
    static void start(JobRegistry *registry, const QString &title, const QString &source,
        std::function<Result(JobControl &)> work, QObject *context, std::function<void(Result)> onResult,
        FailureHandler onFailure = {})
    {
        auto box = std::make_shared<std::optional<Result>>();
        launch(
            registry, title, source,
            [work = std::move(work), box](JobControl &control) { box->emplace(work(control)); }, context,
            [box, onResult = std::move(onResult)]() {
                if (*box)
                    onResult(std::move(**box));
            },
            std::move(onFailure));
    }

private:
    static void launch(JobRegistry *registry, const QString &title, const QString &source,
        std::function<void(JobControl &)> work, QObject *context, std::function<void()> deliver,
        FailureHandler onFailure);
};

} // namespace salvage
