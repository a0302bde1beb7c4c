#pragma once

#include "db/schema.h"

#include <QHash>

namespace salvage {

class JobControl;
class PgSession;
struct RestoreRequest;

/// The two schemas a plan compares, with what the operator declared adopted: declared uniqueness
/// becomes unique keys (checked by PostgreSQL), declared rules are checked, and a table without a
/// primary key is given a row identity (a unique key) where it has one.
struct PlanSchemas
{
    Schema backup;
    Schema live;
    /// LIVE tables told apart by a unique key instead of a primary key: the plan's warning about each.
    QHash<QString, QString> identityNotes;

    static PlanSchemas read(PgSession &live, PgSession &backup, const RestoreRequest &request, JobControl *control);
};

} // namespace salvage
