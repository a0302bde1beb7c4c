#pragma once

#include "db/pgsession.h"
#include "db/schemareader.h"

#include <QMap>

namespace salvage::test {

/// md5 of every table's rows in a stable order: equal maps mean identical data.
inline QMap<QString, QString> tableDigests(const QString &conninfo)
{
    PgSession session(conninfo, PgSession::Options{true, QStringLiteral("LIVE"), 15});
    const Schema schema = SchemaReader::read(session);
    QMap<QString, QString> result;
    for (const Table &table : schema.tables) {
        const auto rows = session.exec(QStringLiteral("SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM %1 x")
                                           .arg(table.sqlName()));
        result.insert(table.qualifiedName(), QString::fromStdString(rows[0][0].as<std::string>()));
    }
    return result;
}

} // namespace salvage::test
