#include "backgroundjob.h"

#include "core/error.h"

#include <QCoreApplication>
#include <QMutex>
#include <QStringList>
#include <atomic>

namespace salvage {

namespace {

/// The titles of the jobs on the pool's threads now, to say what a waiting job waits for.
class RunningTitles
{
public:
    void add(const QString &title)
    {
        QMutexLocker lock(&m_mutex);
        m_titles << title;
    }
    void remove(const QString &title)
    {
        QMutexLocker lock(&m_mutex);
        m_titles.removeOne(title);
    }
    QStringList list() const
    {
        QMutexLocker lock(&m_mutex);
        return m_titles;
    }

private:
    mutable QMutex m_mutex;
    QStringList m_titles;
};

RunningTitles &runningTitles()
{
    static RunningTitles titles;
    return titles;
}

/// Who ends a job that was cancelled before it started: the canceller, at once, or the worker.
enum class Phase { Waiting, Started, Abandoned };

} // namespace

QThreadPool *BackgroundJob::pool()
{
    // Not Qt's global pool: painting uses that one, and a job queued behind it waits unseen.
    static QThreadPool *instance = [] {
        auto *pool = new QThreadPool;
        pool->setMaxThreadCount(qMax(4, QThread::idealThreadCount()));
        return pool;
    }();
    return instance;
}

BackgroundJob::Canceller BackgroundJob::launch(JobRegistry *registry, const QString &title, const QString &source,
    std::function<void(JobControl &)> work, QObject *context, std::function<void()> deliver, FailureHandler onFailure)
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
    auto phase = std::make_shared<std::atomic<Phase>>(Phase::Waiting);
    // GUI thread: a job still waiting for a thread ends here and now; a running one stops at its next check.
    Canceller cancel = [jobs, keyHolder, control, phase, receiver, onFailure]() {
        control->requestCancel();
        Phase expected = Phase::Waiting;
        if (!phase->compare_exchange_strong(expected, Phase::Abandoned))
            return;
        if (jobs)
            jobs->finish(*keyHolder, false, QStringLiteral("Cancelled."));
        if (receiver && onFailure)
            onFailure(QStringLiteral("Cancelled."), true);
    };
    // Written before the work starts, so the worker's progress calls see it.
    *keyHolder = registry ? registry->add(title, source, cancel) : 0;
    const int key = *keyHolder;
    QThreadPool *threads = pool();
    if (registry && threads->activeThreadCount() >= threads->maxThreadCount()) {
        registry->setWaiting(key,
            QCoreApplication::translate("BackgroundJob", "waiting for a free thread; busy with: %1")
                .arg(runningTitles().list().join(QStringLiteral("; "))));
    }
    threads->start([=, work = std::move(work), deliver = std::move(deliver), onFailure = std::move(onFailure)]() {
        Phase expected = Phase::Waiting;
        if (!phase->compare_exchange_strong(expected, Phase::Started))
            return; // cancelled while it waited: already reported
        runningTitles().add(title);
        control->setProgress(0, -1); // running now, no longer "queued"
        bool ok = false;
        bool cancelled = false;
        QString message;
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
        runningTitles().remove(title);
        // The application object lives on the GUI thread; the receiver is checked there, where it
        // can be deleted, not here.
        QObject *target = QCoreApplication::instance();
        if (!target)
            return;
        QMetaObject::invokeMethod(
            target,
            [=]() {
                if (jobs)
                    jobs->finish(key, ok, message);
                if (!receiver)
                    return;
                if (ok)
                    deliver();
                else if (onFailure)
                    onFailure(message, cancelled);
            },
            Qt::QueuedConnection);
    });
    return cancel;
}

} // namespace salvage
