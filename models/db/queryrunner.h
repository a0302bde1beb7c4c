#pragma once

#include <QList>
#include <QMetaType>
#include <QStringList>
#include <QVariant>

namespace salvage {

class JobControl;
class PgSession;

/// What one statement returned: at most a bounded number of rows, values as text (NULL as an
/// invalid QVariant, so it never looks like an empty string).
struct QueryResult
{
    QStringList columns;
    QList<QList<QVariant>> rows;
    bool truncated = false; ///< more rows existed than were kept
    QString status; ///< the command tag: "SELECT 42", "EXPLAIN", …
    qint64 elapsedMs = 0;
};

/// Runs operator-typed SQL and streams the rows in libpq's single-row mode, keeping only the first
/// `maxRows`: a SELECT over a huge table never lands in memory whole.
class QueryRunner
{
public:
    static QueryResult run(PgSession &session, const QString &sql, int maxRows, JobControl &control);
};

} // namespace salvage

Q_DECLARE_METATYPE(salvage::QueryResult)
