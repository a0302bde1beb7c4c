#include "backgroundjob.h"

#include "core/error.h"
#include "jobs/logcategory.h"

#include <QElapsedTimer>

#include <QCoreApplication>

namespace salvage {

std::shared_ptr<JobControl> BackgroundJob::launch(JobRegistry *registry, const QString &title, const QString &source,
    std::function<void(JobControl &)> work, QObject *context, std::function<void()> deliver, FailureHandler onFailure,
    QThreadPool *pool)
{
    QPointer<JobRegistry> jobs(registry);
    QPointer<QObject> receiver(context);
    auto keyHolder = std::make_shared<int>(0);
    auto control = std::make_shared<JobControl>([jobs, keyHolder](qint64 done, qint64 total, const QString &status) {
        const int jobKey = *keyHolder;
        QMetaObject::invokeMethod(
            jobs,
            [jobs, jobKey, done, total, status]() {
                if (jobs)
                    jobs->setProgress(jobKey, done, total, status);
            },
            Qt::QueuedConnection);
    });
    // Written before the work starts, so the worker's progress calls see it.
    *keyHolder = registry ? registry->add(title, source, [control]() { control->requestCancel(); }) : 0;
    const int key = *keyHolder;
    (pool ? pool : QThreadPool::globalInstance())
        ->start([=, work = std::move(work), deliver = std::move(deliver), onFailure = std::move(onFailure)]() {
            bool ok = false;
            bool cancelled = false;
            QString message;
            QElapsedTimer clock;
            clock.start();
            try {
                work(*control);
                ok = true;
            } catch (const Cancelled &) {
                cancelled = true;
                message = QStringLiteral("Cancelled.");
            } catch (const std::exception &error) {
                cancelled = control->isCancelled();
                message = cancelled ? QStringLiteral("Cancelled.") : QString::fromUtf8(error.what());
            }
            qCDebug(lcJobs).noquote() << title
                                      << (ok                 ? "finished"
                                                 : cancelled ? "cancelled"
                                                             : "failed")
                                      << "in" << clock.elapsed() << "ms" << message;
            // The application object lives on the GUI thread; the receiver is checked there, where it
            // can be deleted, not here.
            QObject *target = QCoreApplication::instance();
            if (!target)
                return;
            QMetaObject::invokeMethod(
                target,
                [=]() {
                    if (jobs)
                        jobs->finish(key, jobOutcome(ok, cancelled), message);
                    if (!receiver)
                        return;
                    if (ok)
                        deliver();
                    else if (onFailure)
                        onFailure(message, cancelled);
                },
                Qt::QueuedConnection);
        });
    return control;
}

} // namespace salvage
