#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <functional>

namespace salvage {

class Connection;

/// Every long-running piece of work in the window (database jobs, log indexing, layout), for the
/// jobs panel: title, source, progress, state, and a way to cancel it. GUI-thread only; workers
/// report through queued signals (Connection does this already; track() wires one in).
class JobRegistry : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TitleColumn, SourceColumn, ProgressColumn, StateColumn, ColumnCount };
    enum Role { ProgressRole = Qt::UserRole + 1, CancellableRole, RunningRole };
    enum class State { Queued, Running, Done, Failed, Cancelled };

    explicit JobRegistry(QObject *parent = nullptr);

    /// Registers a job and returns its key. `cancel` may be empty for jobs that cannot stop.
    int add(const QString &title, const QString &source, std::function<void()> cancel = {});
    void setProgress(int key, qint64 done, qint64 total, const QString &status = {});
    /// A job that has not started yet says what it waits for (it stays queued).
    void setWaiting(int key, const QString &reason);
    void finish(int key, bool ok, const QString &message = {});
    /// Lists the jobs of `connection` as they come and go.
    void track(Connection *connection);

    void cancel(int row);
    int runningCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void runningCountChanged(int running);

private:
    struct Entry
    {
        int key = 0;
        QString title;
        QString source;
        std::function<void()> cancel;
        State state = State::Queued;
        qint64 done = 0;
        qint64 total = -1;
        QString status;
        QDateTime started;
        QDateTime ended;
    };
    int rowOf(int key) const;
    void changed(int row);
    void prune();

    QList<Entry> m_entries;
    int m_nextKey = 0;
};

} // namespace salvage
