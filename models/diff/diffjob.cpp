#include "diff/diffjob.h"

#include "core/error.h"
#include "db/connection.h"
#include "db/pgsession.h"
#include "diff/diffrunner.h"

#include <atomic>
#include <chrono>
#include <future>

namespace salvage {

namespace {
// Where the BACKUP job hands its session to the LIVE job, and learns when to give it back.
struct Rendezvous
{
    std::promise<PgSession *> lent;
    std::shared_future<PgSession *> lentFuture = lent.get_future().share();
    std::promise<void> done;
    std::shared_future<void> doneFuture = done.get_future().share();
    std::atomic<bool> lentSet { false };
    std::atomic<bool> doneSet { false };

    void finish()
    {
        if (!doneSet.exchange(true))
            done.set_value();
    }
    void refuse()
    {
        if (!lentSet.exchange(true))
            lent.set_exception(
                std::make_exception_ptr(Error(QStringLiteral("The backup connection is not available."))));
    }
};
constexpr auto kPoll = std::chrono::milliseconds(50);

// Held by the LIVE job's function: when that function is destroyed without having run (its
// connection closed first, as when the window closes mid-comparison), the BACKUP job, which waits
// for it, is let go instead of blocking its thread, and so the window's close, forever.
struct FinishWhenDropped
{
    std::shared_ptr<Rendezvous> rendezvous;
    ~FinishWhenDropped() { rendezvous->finish(); }
};
} // namespace

DiffJob::DiffJob(Connection *live, Connection *backup, QObject *parent)
    : QObject(parent)
    , m_live(live)
    , m_backup(backup)
{
}

void DiffJob::cancel()
{
    if (!m_running)
        return;
    if (m_live)
        m_live->cancel(m_liveJob);
    if (m_backup)
        m_backup->cancel(m_backupJob);
}

void DiffJob::start(const QStringList &tables)
{
    cancel();
    if (!m_live || !m_backup)
        return;
    const quint64 generation = ++m_generation;
    m_running = true;
    auto rendezvous = std::make_shared<Rendezvous>();
    m_backupJob = m_backup->submit<int>(
        tr("Compare: lending the backup session"),
        [rendezvous](PgSession &session, JobControl &control) {
            if (!rendezvous->lentSet.exchange(true))
                rendezvous->lent.set_value(&session);
            while (rendezvous->doneFuture.wait_for(kPoll) != std::future_status::ready && !control.isCancelled()) { }
            // Cancelled here means the LIVE job is cancelled too (cancel() does both); it stops
            // using this session before its own job ends, so waiting for it is still right.
            rendezvous->doneFuture.wait();
            return 0;
        },
        this, [](int) {}, [rendezvous](const QString &, bool) { rendezvous->refuse(); });

    const QPointer<DiffJob> self(this);
    m_liveJob = m_live->submit<DiffResult>(
        tr("Compare backup with live"),
        [rendezvous, tables, self, generation,
            dropped = std::make_shared<FinishWhenDropped>(FinishWhenDropped { rendezvous })](
            PgSession &live, JobControl &control) {
            struct Release
            {
                std::shared_ptr<Rendezvous> rendezvous;
                ~Release() { rendezvous->finish(); }
            } release { rendezvous };
            while (rendezvous->lentFuture.wait_for(kPoll) != std::future_status::ready)
                control.throwIfCancelled();
            PgSession *backup = rendezvous->lentFuture.get();
            // The view reads the values of the rows it shows from the spool: a diff of millions of
            // differing rows holds their keys in memory, not their values.
            return DiffRunner::run(
                *backup, live, control, tables,
                [self, generation](const DiffResult &soFar) {
                    QMetaObject::invokeMethod(
                        self.data(),
                        [self, generation, soFar] {
                            if (self && self->m_generation == generation)
                                Q_EMIT self->partial(soFar);
                        },
                        Qt::QueuedConnection);
                },
                RowRetention::Spooled);
        },
        this,
        [this, generation](DiffResult result) {
            if (generation != m_generation)
                return;
            m_running = false;
            Q_EMIT finished(result);
        },
        [this, generation, rendezvous](const QString &message, bool cancelled) {
            rendezvous->finish(); // the job may have been dropped before it ever ran
            if (generation != m_generation)
                return;
            m_running = false;
            Q_EMIT failed(message, cancelled);
        });
}

} // namespace salvage
