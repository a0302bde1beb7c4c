#include "restore/rootselection.h"

#include "core/error.h"
#include "db/pgraw.h"
#include "db/schema.h"
#include "db/sqlident.h"
#include "restore/closurebuilder.h"
#include "restore/copytext.h"

#include <QRegularExpression>

namespace salvage {

RootSelection RootSelection::parse(const QString &text)
{
    RootSelection root;
    // The table may be typed the SQL way, quoted parts with spaces included.
    const QString name = sql::qualifiedNamePattern();
    static const QRegularExpression where(QStringLiteral("^\\s*(%1)\\s+WHERE\\s+(.+)$").arg(name),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression missing(
        QStringLiteral("^\\s*(%1)\\s+MISSING\\s*$").arg(name), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression keys(QStringLiteral("^\\s*(%1):(.+)$").arg(name));
    if (const auto match = where.match(text); match.hasMatch()) {
        root.table = match.captured(1);
        root.predicate = match.captured(2).trimmed();
    } else if (const auto missed = missing.match(text); missed.hasMatch()) {
        root.kind = Kind::OnlyInBackup;
        root.table = missed.captured(1);
    } else if (const auto listed = keys.match(text); listed.hasMatch()) {
        root.kind = Kind::Keys;
        root.table = listed.captured(1);
        for (const QString &key : listed.captured(2).split(QLatin1Char(','), Qt::SkipEmptyParts))
            root.keys << key.trimmed();
    } else {
        throw Error(
            QStringLiteral("The root \"%1\" is not \"TABLE WHERE PREDICATE\", \"TABLE:KEY,…\" or \"TABLE MISSING\".")
                .arg(text));
    }
    return root;
}

QString RootSelection::toString() const
{
    switch (kind) {
    case Kind::Predicate:
        return QStringLiteral("%1 WHERE %2").arg(table, predicate);
    case Kind::Keys:
        return QStringLiteral("%1:%2").arg(table, keys.join(QLatin1Char(',')));
    case Kind::OnlyInBackup:
        return QStringLiteral("%1 MISSING").arg(table);
    }
    return {};
}

qint64 RootSelection::apply(
    const Schema &backup, ClosureBuilder &closure, const PgRaw &backupSession, const PgRaw &live) const
{
    const Table *found = backup.findTable(table);
    if (!found)
        throw Error(QStringLiteral("The root table %1 does not exist in BACKUP.").arg(table));
    const QString keyColumns = sql::quoteIdentList(found->primaryKey);
    if (kind == Kind::Predicate)
        return closure.addRoots(
            *found, QStringLiteral("SELECT %1 FROM %2 WHERE (%3)").arg(keyColumns, found->sqlName(), predicate));

    // Keys from the operator or from LIVE travel as COPY data into a temporary table.
    const QString listed = closure.scratchTable(*found);
    backupSession.exec(QStringLiteral("DELETE FROM %1").arg(sql::quoteIdent(listed)));
    if (kind == Kind::Keys) {
        if (found->primaryKey.size() != 1)
            throw Error(QStringLiteral(
                "Keys can only be listed for a table with a one-column primary key; use a predicate for %1.")
                            .arg(found->qualifiedName()));
        QByteArray data;
        for (const QString &key : keys)
            data += CopyText::escape(key) + '\n';
        backupSession.copyIn(QStringLiteral("COPY %1 FROM STDIN").arg(sql::quoteIdent(listed)), data);
    } else {
        QByteArray data;
        live.copyOut(QStringLiteral("COPY (SELECT %1 FROM %2) TO STDOUT").arg(keyColumns, found->sqlName()),
            [&](const char *chunk, int length) { data.append(chunk, length); });
        backupSession.copyIn(QStringLiteral("COPY %1 FROM STDIN").arg(sql::quoteIdent(listed)), data);
    }
    QStringList match;
    for (const QString &column : found->primaryKey)
        match << QStringLiteral("l.%1 = b.%1").arg(sql::quoteIdent(column));
    const QString condition = kind == Kind::Keys ? QStringLiteral("EXISTS") : QStringLiteral("NOT EXISTS");
    QStringList selected;
    for (const QString &column : found->primaryKey)
        selected << QStringLiteral("b.") + sql::quoteIdent(column);
    return closure.addRoots(*found,
        QStringLiteral("SELECT %1 FROM %2 b WHERE %3 (SELECT 1 FROM %4 l WHERE %5)")
            .arg(selected.join(QStringLiteral(", ")), found->sqlName(), condition, sql::quoteIdent(listed),
                match.join(QStringLiteral(" AND "))));
}

} // namespace salvage
