#pragma once

#include <QByteArray>
#include <QString>

namespace salvage {

struct PlanStep;
struct RestorePlan;

/// Renders a RestorePlan as a plain SQL script that `psql -v ON_ERROR_STOP=1 -f` runs as is:
/// one transaction, staging data in COPY blocks, then set-based statements in dependency order,
/// each preceded by a comment saying what it does and how many rows it should touch.
/// Deterministic: the same plan gives the same bytes.
class ScriptRenderer
{
public:
    static QByteArray render(const RestorePlan &plan, int lockTimeoutSeconds = 10);
    static QString statement(const PlanStep &step);
    /// Starts a header line "-- identity: TABLE (COLUMNS)": a table without a primary key the plan
    /// told apart by these columns (a declared unique key, say), for the run's undo to do the same.
    static QString identityMark() { return QStringLiteral("-- identity:"); }
};

} // namespace salvage
