#pragma once

#include "db/connectionprofile.h"
#include "db/schema.h"
#include "jobs/jobcontrol.h"
#include "jobs/joboutcome.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

class QThread;

namespace salvage {

class PgSession;

/// One database of the investigation (LIVE or BACKUP): a read-only PgSession living on its own
/// worker thread. Work reaches it as jobs, run one after another; results come back to the
/// caller's thread as values through queued calls. Nothing here blocks the GUI thread.
class Connection : public QObject
{
    Q_OBJECT
public:
    enum class State { Closed, Opening, Open, Failed };
    Q_ENUM(State)
    using JobId = quint64;
    using Work = std::function<void(PgSession &, JobControl &)>;
    using FailureHandler = std::function<void(const QString &message, bool cancelled)>;

    explicit Connection(Side side, QObject *parent = nullptr);
    ~Connection() override;

    Side side() const { return m_side; }
    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    QString serverVersion() const { return m_serverVersion; }
    const ConnectionProfile &profile() const { return m_profile; }
    QString where() const; ///< "LIVE (user@host:5432/db)"

    /// The structure last read from this database (empty until the first read after opening).
    const Schema &schema() const { return m_schema; }
    /// Reads the schema again on the worker; schemaChanged() delivers it. Done after every open.
    void refreshSchema();

    /// Opens (or re-opens) the session on the worker thread; stateChanged() tells how it went.
    void open(const ConnectionProfile &profile, const QString &password = {});
    void close();

    /// What opening a session later takes, copied now: a background job holds this, never the
    /// Connection, which is gone when its window closes first.
    struct SessionRecipe
    {
        ConnectionProfile profile;
        QString password;
        bool writable = false;
        QString label;
        /// Throws salvage::Error.
        std::unique_ptr<PgSession> open() const;
    };
    SessionRecipe siblingRecipe() const;
    SessionRecipe runRecipe() const;

    /// A second read-only session to the same database, for work that needs both sides at once or
    /// runs in parallel (graph overlays, comparisons). Callable from any thread; throws salvage::Error.
    std::unique_ptr<PgSession> openSiblingSession() const;
    /// A writable session to the same database, for a restore run's own transaction and nothing
    /// else (preview, run, undo). Callable from any thread; throws salvage::Error.
    std::unique_ptr<PgSession> openRunSession() const;

    /// Queues `work`; when it returns, `onResult(value)` runs on `context`'s thread unless
    /// `context` is gone by then. `onFailure` gets one clear sentence (or cancelled=true).
    template <typename Result>
    JobId submit(const QString &title, std::function<Result(PgSession &, JobControl &)> work, QObject *context,
        std::function<void(Result)> onResult, FailureHandler onFailure = {})
    {
        auto box = std::make_shared<std::optional<Result>>();
        return enqueue(
            title,
            [work = std::move(work), box](
                PgSession &session, JobControl &control) { box->emplace(work(session, control)); },
            context,
            [box, onResult = std::move(onResult)]() {
                if (*box)
                    onResult(std::move(**box));
            },
            std::move(onFailure));
    }

    /// Requests cancel: pending jobs are dropped, a running statement gets libpq's cancel request.
    void cancel(JobId job);
    void cancelAll();

Q_SIGNALS:
    void stateChanged(salvage::Connection::State state);
    void schemaChanged(const salvage::Schema &schema);
    void schemaFailed(const QString &message);
    void jobQueued(quint64 job, const QString &title);
    void jobProgress(quint64 job, qint64 done, qint64 total, const QString &status);
    void jobFinished(quint64 job, salvage::JobOutcome outcome, const QString &message);

private:
    struct Job;
    JobId enqueue(
        const QString &title, Work work, QObject *context, std::function<void()> deliver, FailureHandler onFailure);
    void runOnWorker(const std::shared_ptr<Job> &job);
    SessionRecipe recipe(bool writable, const QString &label) const;
    void setState(State state, const QString &error = {});
    void resendCancels();

    Side m_side;
    State m_state = State::Closed;
    QString m_lastError;
    QString m_serverVersion;
    ConnectionProfile m_profile;
    QString m_password; ///< kept in memory only, for sibling sessions; never written anywhere
    Schema m_schema;
    Generation m_schemaGeneration;
    QThread *m_thread = nullptr;
    QObject *m_worker = nullptr; ///< lives on m_thread; jobs are queued to it

    mutable std::mutex m_mutex; ///< guards m_session, m_jobs, and the profile/password read by sibling sessions
    std::shared_ptr<PgSession> m_session;
    QHash<JobId, std::shared_ptr<Job>> m_jobs;
    JobId m_nextJob = 0;
    QTimer m_cancelTimer; ///< repeats cancel requests that raced with a statement's start
};

} // namespace salvage
