#pragma once

#include "demo/demoparameters.h"

#include <QStringList>

namespace salvage {

class DemoSql;

/// The incident, applied to `live` as Mastodon's AccountMergingWorker would run it: for each
/// victim (a local account with an empty uri) every owned row is re-pointed to one remote
/// account; a row that would break a unique index stays behind (the PostgreSQL log shows the
/// violation); then the victim is deleted and cascades take its user, identities, web settings,
/// notifications and the rows left behind.
class DemoIncident
{
public:
    DemoIncident(DemoSql &sql, const DemoParameters &parameters)
        : m_sql(sql)
        , m_parameters(parameters)
    {
    }
    void apply();

    /// The account the victims were merged into.
    qint64 targetAccount() const { return m_target; }

private:
    struct Repoint
    {
        QString table;
        QString column;
        QStringList key; ///< columns of the unique index a moved row could collide on; empty: none
        QString index;
        bool touchesUpdatedAt;
    };
    static QList<Repoint> repoints();
    void recordVictims();
    void recordInboxDelivery();
    void merge(qint64 victim, qint64 atMs);
    void repoint(const Repoint &spec, qint64 victim, qint64 atMs);

    DemoSql &m_sql;
    DemoParameters m_parameters;
    qint64 m_target = 0;
};

} // namespace salvage
