#pragma once

#include "diff/diffresult.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

namespace salvage {

class Connection;

/// Runs a DiffRunner for the GUI on the sessions of two Connections: a job on BACKUP lends its
/// session for as long as the comparison job on LIVE runs, so both worker threads are busy with
/// the diff and nothing touches a database from the GUI thread. Results come back queued.
class DiffJob : public QObject
{
    Q_OBJECT
public:
    DiffJob(Connection *live, Connection *backup, QObject *parent = nullptr);

    /// Starts a comparison (cancelling one still running); `tables` empty means all.
    void start(const QStringList &tables = {});
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void partial(const salvage::DiffResult &result); ///< after each table
    void finished(const salvage::DiffResult &result);
    void failed(const QString &message, bool cancelled);

private:
    QPointer<Connection> m_live;
    QPointer<Connection> m_backup;
    quint64 m_liveJob = 0;
    quint64 m_backupJob = 0;
    quint64 m_generation = 0;
    bool m_running = false;
};

} // namespace salvage
