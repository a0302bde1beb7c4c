#pragma once

#include "core/process.h"
#include "db/pgcluster.h"
#include "db/pgsession.h"
#include "db/schemareader.h"

#include <QFileInfo>
#include <QMap>

namespace salvage::test {

/// md5 of every table's rows in a stable order: equal maps mean identical data.
inline QMap<QString, QString> tableDigests(const QString &conninfo)
{
    PgSession session(conninfo, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
    const Schema schema = SchemaReader::read(session);
    QMap<QString, QString> result;
    for (const Table &table : schema.tables) {
        const auto rows = session.exec(
            QStringLiteral("SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM %1 x")
                .arg(table.sqlName()));
        result.insert(table.qualifiedName(), QString::fromStdString(rows[0][0].as<std::string>()));
    }
    return result;
}

inline QString psql()
{
    const QString candidate = PgCluster::findBinDir() + QStringLiteral("/psql");
    return QFileInfo::exists(candidate) ? candidate : QStringLiteral("/usr/bin/psql");
}

/// Runs a script file the way an operator would: `psql -v ON_ERROR_STOP=1 -f FILE`.
inline ProcessResult runWithPsql(const QString &conninfo, const QString &file)
{
    return runProcess({ psql(),
        { QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
            QStringLiteral("-d"), conninfo, QStringLiteral("-f"), file } });
}

} // namespace salvage::test
