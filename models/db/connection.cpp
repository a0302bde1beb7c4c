#include "connection.h"

#include "core/error.h"
#include "db/dberror.h"
#include "db/logcategory.h"
#include "db/pgsession.h"
#include "db/schemareader.h"

#include <QThread>
#include <libpq-fe.h>

namespace salvage {

struct Connection::Job
{
    JobId id = 0;
    QString title;
    Work work;
    QPointer<QObject> context;
    std::function<void()> deliver;
    FailureHandler onFailure;
    std::unique_ptr<JobControl> control;
    std::atomic<bool> running { false };
};

Connection::Connection(Side side, QObject *parent)
    : QObject(parent)
    , m_side(side)
{
    m_thread = new QThread(this);
    m_thread->setObjectName(sideName(side) + QStringLiteral(" connection"));
    m_worker = new QObject;
    m_worker->moveToThread(m_thread);
    m_thread->start();
    m_cancelTimer.setInterval(250);
    connect(&m_cancelTimer, &QTimer::timeout, this, &Connection::resendCancels);
}

Connection::~Connection()
{
    cancelAll();
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
}

QString Connection::where() const
{
    return QStringLiteral("%1 (%2)").arg(sideName(m_side), m_profile.summary());
}

void Connection::refreshSchema()
{
    const quint64 generation = m_schemaGeneration.next();
    submit<Schema>(
        tr("Read schema of %1").arg(sideName(m_side)),
        [](PgSession &session, JobControl &control) { return SchemaReader::read(session, &control); }, this,
        [this, generation](Schema schema) {
            if (!m_schemaGeneration.isCurrent(generation))
                return;
            m_schema = std::move(schema);
            Q_EMIT schemaChanged(m_schema);
        },
        [this, generation](const QString &message, bool cancelled) {
            if (m_schemaGeneration.isCurrent(generation) && !cancelled)
                Q_EMIT schemaFailed(message);
        });
}

void Connection::setState(State state, const QString &error)
{
    m_state = state;
    if (state != State::Open && !m_schema.tables.isEmpty()) {
        m_schema = Schema {};
        m_schemaGeneration.next();
        Q_EMIT schemaChanged(m_schema);
    }
    m_lastError = error;
    Q_EMIT stateChanged(state);
}

void Connection::open(const ConnectionProfile &profile, const QString &password)
{
    cancelAll();
    {
        std::lock_guard lock(m_mutex);
        m_profile = profile;
        m_password = password;
    }
    m_serverVersion.clear();
    setState(State::Opening);
    const JobId id = ++m_nextJob;
    Q_EMIT jobQueued(id, QStringLiteral("Connect %1").arg(where()));
    const PgSession::Options options { true, sideName(m_side), 15 };
    QMetaObject::invokeMethod(
        m_worker,
        [this, id, profile, password, options]() {
            std::shared_ptr<PgSession> previous;
            {
                std::lock_guard lock(m_mutex);
                previous = std::move(m_session);
            }
            previous.reset();
            try {
                auto session = std::make_shared<PgSession>(profile, password, options);
                const QString version = session->serverVersion();
                {
                    std::lock_guard lock(m_mutex);
                    m_session = session;
                }
                QMetaObject::invokeMethod(
                    this,
                    [this, id, version]() {
                        qCInfo(lcDb).noquote() << where() << "open, server" << version;
                        m_serverVersion = version;
                        setState(State::Open);
                        Q_EMIT jobFinished(id, JobOutcome::Finished, {});
                        refreshSchema();
                    },
                    Qt::QueuedConnection);
            } catch (const std::exception &error) {
                const QString message
                    = describeDatabaseError(error, QStringLiteral("%1 (%2)").arg(sideName(m_side), profile.summary()));
                QMetaObject::invokeMethod(
                    this,
                    [this, id, message]() {
                        qCInfo(lcDb).noquote() << sideName(m_side) << "could not open:" << message;
                        setState(State::Failed, message);
                        Q_EMIT jobFinished(id, JobOutcome::Failed, message);
                    },
                    Qt::QueuedConnection);
            }
        },
        Qt::QueuedConnection);
}

std::unique_ptr<PgSession> Connection::openSiblingSession() const
{
    return siblingRecipe().open();
}

std::unique_ptr<PgSession> Connection::openRunSession() const
{
    return runRecipe().open();
}

Connection::SessionRecipe Connection::siblingRecipe() const
{
    return recipe(false, sideName(m_side));
}

Connection::SessionRecipe Connection::runRecipe() const
{
    return recipe(true, sideName(m_side) + QStringLiteral(" (restore run)"));
}

Connection::SessionRecipe Connection::recipe(bool writable, const QString &label) const
{
    std::lock_guard lock(m_mutex);
    return { m_profile, m_password, writable, label };
}

std::unique_ptr<PgSession> Connection::SessionRecipe::open() const
{
    return std::make_unique<PgSession>(
        profile, password, writable ? PgSession::Options::writable(label) : PgSession::Options { true, label, 15 });
}

void Connection::close()
{
    cancelAll();
    QMetaObject::invokeMethod(
        m_worker,
        [this]() {
            std::shared_ptr<PgSession> previous;
            {
                std::lock_guard lock(m_mutex);
                previous = std::move(m_session);
            }
        },
        Qt::QueuedConnection);
    setState(State::Closed);
}

Connection::JobId Connection::enqueue(
    const QString &title, Work work, QObject *context, std::function<void()> deliver, FailureHandler onFailure)
{
    auto job = std::make_shared<Job>();
    job->id = ++m_nextJob;
    job->title = title;
    job->work = std::move(work);
    job->context = context ? context : this;
    job->deliver = std::move(deliver);
    job->onFailure = std::move(onFailure);
    const JobId id = job->id;
    job->control = std::make_unique<JobControl>(
        [this, id](qint64 done, qint64 total, const QString &status) { Q_EMIT jobProgress(id, done, total, status); });
    {
        std::lock_guard lock(m_mutex);
        m_jobs.insert(id, job);
    }
    Q_EMIT jobQueued(id, title);
    QMetaObject::invokeMethod(
        m_worker, [this, job]() { runOnWorker(job); }, Qt::QueuedConnection);
    return id;
}

void Connection::runOnWorker(const std::shared_ptr<Job> &job)
{
    std::shared_ptr<PgSession> session;
    {
        std::lock_guard lock(m_mutex);
        session = m_session;
    }
    bool ok = false;
    bool cancelled = job->control->isCancelled();
    bool lost = false;
    QString message;
    if (cancelled) {
        message = QStringLiteral("Cancelled.");
    } else if (!session) {
        message = QStringLiteral("%1 is not connected.").arg(where());
    } else {
        job->running = true;
        job->control->setProgress(0, -1); // running now, no longer "queued"
        try {
            job->work(*session, *job->control);
            ok = true;
        } catch (const std::exception &error) {
            cancelled = job->control->isCancelled() || dynamic_cast<const Cancelled *>(&error);
            message = cancelled ? QStringLiteral("Cancelled.") : describeDatabaseError(error, session->where());
            lost = !cancelled && (!session->handle() || PQstatus(session->handle()) != CONNECTION_OK);
        }
        job->running = false;
    }
    if (!ok)
        qCDebug(lcDb).noquote() << sideName(m_side) << "job" << job->title << (cancelled ? "cancelled" : "failed:")
                                << message;
    if (lost) {
        qCWarning(lcDb).noquote() << sideName(m_side) << "lost its connection:" << message;
        std::lock_guard lock(m_mutex);
        if (m_session == session)
            m_session.reset();
    }
    {
        std::lock_guard lock(m_mutex);
        m_jobs.remove(job->id);
    }
    QMetaObject::invokeMethod(
        this,
        [this, job, ok, cancelled, lost, message]() {
            if (lost)
                setState(State::Failed, message);
            if (job->context) {
                if (ok)
                    job->deliver();
                else if (job->onFailure)
                    job->onFailure(message, cancelled);
            }
            Q_EMIT jobFinished(job->id, jobOutcome(ok, cancelled), message);
        },
        Qt::QueuedConnection);
}

void Connection::cancel(JobId id)
{
    std::lock_guard lock(m_mutex);
    const auto job = m_jobs.value(id);
    if (!job)
        return;
    job->control->requestCancel();
    if (job->running && m_session)
        m_session->cancel();
    m_cancelTimer.start();
}

void Connection::cancelAll()
{
    std::lock_guard lock(m_mutex);
    bool anyRunning = false;
    for (const auto &job : std::as_const(m_jobs)) {
        job->control->requestCancel();
        anyRunning = anyRunning || job->running;
    }
    if (anyRunning && m_session)
        m_session->cancel();
    if (!m_jobs.isEmpty())
        m_cancelTimer.start();
}

void Connection::resendCancels()
{
    // A cancel request that reached the server between two statements of a job is lost; repeat it
    // until every cancelled job has ended.
    std::lock_guard lock(m_mutex);
    bool pending = false;
    for (const auto &job : std::as_const(m_jobs)) {
        if (job->control->isCancelled() && job->running) {
            pending = true;
            if (m_session)
                m_session->cancel();
        }
    }
    if (!pending)
        m_cancelTimer.stop();
}

} // namespace salvage
