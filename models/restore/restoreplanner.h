#pragma once

#include "restore/restoreplan.h"
#include "restore/rootselection.h"

#include <QHash>
#include <QList>

namespace salvage {

class JobControl;
class PgSession;

/// What the operator asks for: roots, per-table collision policies, declared relations.
struct RestoreRequest
{
    QList<RootSelection> roots;
    QHash<QString, RestorePolicy> policies; ///< by "schema.table" or bare name
    QList<RestoreRelation> relations;
};

/// Builds a RestorePlan: the closure of the roots in BACKUP, staged on LIVE (temporary tables in
/// a read-only transaction) and compared there set-wise, row by row decisions taken in SQL.
/// Neither database is changed.
class RestorePlanner
{
public:
    RestorePlanner(PgSession &live, PgSession &backup) : m_live(live), m_backup(backup) {}
    RestorePlan plan(const RestoreRequest &request, JobControl *control = nullptr);

private:
    PgSession &m_live;
    PgSession &m_backup;
};

} // namespace salvage
