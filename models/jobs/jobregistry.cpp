#include "jobregistry.h"

#include "db/connection.h"

namespace salvage {

namespace {
constexpr int kKeepFinished = 50;
}

JobRegistry::JobRegistry(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int JobRegistry::add(const QString &title, const QString &source, std::function<void()> cancel)
{
    Entry entry;
    entry.key = ++m_nextKey;
    entry.title = title;
    entry.source = source;
    entry.cancel = std::move(cancel);
    entry.started = QDateTime::currentDateTimeUtc();
    beginInsertRows({}, 0, 0);
    m_entries.prepend(entry);
    endInsertRows();
    prune();
    Q_EMIT runningCountChanged(runningCount());
    return entry.key;
}

int JobRegistry::rowOf(int key) const
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).key == key)
            return row;
    }
    return -1;
}

void JobRegistry::changed(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void JobRegistry::setProgress(int key, qint64 done, qint64 total, const QString &status)
{
    const int row = rowOf(key);
    if (row < 0)
        return;
    Entry &entry = m_entries[row];
    if (entry.state == State::Queued)
        entry.state = State::Running;
    entry.done = done;
    entry.total = total;
    if (!status.isEmpty())
        entry.status = status;
    changed(row);
}

void JobRegistry::setWaiting(int key, const QString &reason)
{
    const int row = rowOf(key);
    if (row < 0 || m_entries.at(row).state != State::Queued)
        return;
    m_entries[row].status = reason;
    changed(row);
}

void JobRegistry::finish(int key, bool ok, const QString &message)
{
    const int row = rowOf(key);
    if (row < 0)
        return;
    Entry &entry = m_entries[row];
    const bool cancelled = !ok && message == QLatin1String("Cancelled.");
    entry.state = ok ? State::Done : cancelled ? State::Cancelled : State::Failed;
    entry.status = message;
    entry.ended = QDateTime::currentDateTimeUtc();
    entry.cancel = nullptr;
    changed(row);
    Q_EMIT runningCountChanged(runningCount());
}

void JobRegistry::track(Connection *connection)
{
    auto keys = std::make_shared<QHash<quint64, int>>();
    connect(connection, &Connection::jobQueued, this, [this, connection, keys](quint64 job, const QString &title) {
        // A connection runs one job at a time: a job behind another says which one it waits for.
        QString ahead;
        for (auto it = keys->cbegin(); it != keys->cend() && ahead.isEmpty(); ++it) {
            const int row = rowOf(it.value());
            if (row >= 0)
                ahead = m_entries.at(row).title;
        }
        const int key = add(title, sideName(connection->side()), [connection, job]() { connection->cancel(job); });
        keys->insert(job, key);
        if (!ahead.isEmpty())
            setWaiting(key,
                tr("waiting for \u201c%1\u201d (one query at a time on %2)").arg(ahead, sideName(connection->side())));
    });
    connect(connection, &Connection::jobProgress, this,
        [this, keys](quint64 job, qint64 done, qint64 total, const QString &status) {
            setProgress(keys->value(job, -1), done, total, status);
        });
    connect(connection, &Connection::jobFinished, this,
        [this, keys](quint64 job, bool ok, const QString &message) { finish(keys->take(job), ok, message); });
}

void JobRegistry::cancel(int row)
{
    if (row < 0 || row >= m_entries.size())
        return;
    // A copy: cancelling may finish the job, which drops the entry's function while it runs.
    const std::function<void()> cancelJob = m_entries.at(row).cancel;
    if (cancelJob)
        cancelJob();
}

int JobRegistry::runningCount() const
{
    return int(std::count_if(m_entries.cbegin(), m_entries.cend(),
        [](const Entry &entry) { return entry.state == State::Queued || entry.state == State::Running; }));
}

void JobRegistry::prune()
{
    int finished = 0;
    for (int row = 0; row < m_entries.size(); ++row) {
        const State state = m_entries.at(row).state;
        if (state == State::Queued || state == State::Running)
            continue;
        if (++finished > kKeepFinished) {
            beginRemoveRows({}, row, row);
            m_entries.removeAt(row);
            endRemoveRows();
            --row;
        }
    }
}

int JobRegistry::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int JobRegistry::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobRegistry::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Entry &entry = m_entries.at(index.row());
    const bool running = entry.state == State::Queued || entry.state == State::Running;
    const int percent = entry.total > 0 ? int(qBound(qint64(0), entry.done * 100 / entry.total, qint64(100))) : -1;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TitleColumn:
            return entry.title;
        case SourceColumn:
            return entry.source;
        case ProgressColumn:
            if (!running)
                return QString();
            return percent >= 0 ? QStringLiteral("%1%").arg(percent) : entry.status;
        case StateColumn:
            switch (entry.state) {
            case State::Queued:
                return entry.status.isEmpty() ? tr("queued") : tr("queued: %1").arg(entry.status);
            case State::Running:
                return entry.status.isEmpty() ? tr("running") : entry.status;
            case State::Done: {
                const qint64 ms = entry.started.msecsTo(entry.ended);
                return ms < 1000 ? tr("done in %1 ms").arg(ms) : tr("done in %1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
            }
            case State::Cancelled:
                return tr("cancelled");
            case State::Failed:
                return entry.status;
            }
        }
        return {};
    case Qt::ToolTipRole:
        return entry.status.isEmpty() ? entry.title : entry.title + QStringLiteral("\n") + entry.status;
    case ProgressRole:
        return running ? percent : (entry.state == State::Done ? 100 : -2);
    case CancellableRole:
        return bool(entry.cancel) && running;
    case RunningRole:
        return running;
    default:
        return {};
    }
}

QVariant JobRegistry::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TitleColumn:
        return tr("Job");
    case SourceColumn:
        return tr("Source");
    case ProgressColumn:
        return tr("Progress");
    case StateColumn:
        return tr("State");
    }
    return {};
}

} // namespace salvage
