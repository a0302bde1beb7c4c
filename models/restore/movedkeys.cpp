#include "restore/movedkeys.h"

#include "db/arrayliteral.h"
#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/restoresql.h"
#include "restore/rowaction.h"
#include "restore/stagingcolumns.h"

#include <algorithm>

namespace salvage {

namespace {

/// Every column of the link is part of its table's primary key: moving the row changes its key.
bool insideKey(const ClosureBuilder::Edge &edge)
{
    return !edge.columns.isEmpty()
        && std::all_of(edge.columns.cbegin(), edge.columns.cend(),
            [&edge](const QString &column) { return edge.child->primaryKey.contains(column); });
}

/// "first, second … (N values)": a few of the values a statement goes from or to.
QString someValues(const QString &first, qint64 distinct)
{
    return distinct > 3 ? QStringLiteral("%1 … (%2 values)").arg(first, QString::number(distinct)) : first;
}

} // namespace

MovedKeys::MovedKeys(const PgRaw &live, const PgRaw &backup, const ClosureBuilder &closure,
    const QHash<QString, QString> &staging, const QHash<QString, QStringList> &columns,
    const QList<ClosureBuilder::Edge> &edges)
    : m_live(live)
    , m_backup(backup)
    , m_closure(closure)
    , m_staging(staging)
    , m_columns(columns)
    , m_edges(edges)
{
}

QStringList MovedKeys::liveKeyColumns(const QStringList &primaryKey)
{
    QStringList names;
    for (qsizetype i = 0; i < primaryKey.size(); ++i)
        names << QStringLiteral("_salvage_lk%1").arg(i);
    return names;
}

QString MovedKeys::moves(const ClosureBuilder::Edge &edge, const QString &staging, const QString &condition)
{
    QStringList pairs;
    for (qsizetype i = 0; i < edge.columns.size(); ++i)
        pairs << QStringLiteral("s.%1 AS \"_salvage_p%2\", l.%1 AS \"_salvage_t%2\"")
                     .arg(sql::quoteIdent(edge.columns.at(i)), QString::number(i));
    const Table &table = *edge.child;
    return QStringLiteral(
        "SELECT DISTINCT %1 FROM %2 s JOIN %3 l ON %4 WHERE %5 AND %6 AND %7 AND (%8) IS DISTINCT FROM (%9)")
        .arg(pairs.join(QStringLiteral(", ")), staging, table.sqlName(),
            RestoreSql::equal(QStringLiteral("s"), QStringLiteral("l"), table.primaryKey), condition,
            RestoreSql::notNull(QStringLiteral("s"), edge.columns),
            RestoreSql::notNull(QStringLiteral("l"), edge.columns),
            RestoreSql::prefixed(QStringLiteral("s"), edge.columns),
            RestoreSql::prefixed(QStringLiteral("l"), edge.columns));
}

QString MovedKeys::targets(const ClosureBuilder::Edge &edge) const
{
    // Where the incident re-pointed the parent's other rows: every staged link to the same parent
    // key whose columns are outside its table's key (those rows keep their key when moved).
    QStringList moved;
    for (const ClosureBuilder::Edge &other : m_edges)
        if (other.parent == edge.parent && other.parentColumns == edge.parentColumns && !insideKey(other)
            && !staged(*other.child).isEmpty() && !other.child->primaryKey.isEmpty())
            moved << moves(other, sql::quoteIdent(staged(*other.child)));
    return moved.join(QStringLiteral(" UNION "));
}

QList<ClosureBuilder::Edge> MovedKeys::keyEdges(const Table &table) const
{
    QList<ClosureBuilder::Edge> result;
    for (const ClosureBuilder::Edge &edge : m_edges)
        if (edge.child->qualifiedName() == table.qualifiedName() && edge.parent != edge.child && insideKey(edge))
            result.append(edge);
    return result;
}

QList<QStringList> MovedKeys::inBackup(const Table &table, const QByteArray &keys) const
{
    const QStringList &pk = table.primaryKey;
    const QString scratch = sql::quoteIdent(m_closure.scratchTable(table));
    m_backup.exec(QStringLiteral("DELETE FROM %1").arg(scratch));
    m_backup.copyIn(QStringLiteral("COPY %1 (%2) FROM STDIN").arg(scratch, sql::quoteIdentList(pk)), keys);
    QStringList text;
    for (const QString &column : pk)
        text << QStringLiteral("k.%1::text").arg(sql::quoteIdent(column));
    const auto held = m_backup.exec(QStringLiteral("SELECT %1 FROM %2 k WHERE EXISTS (SELECT 1 FROM %3 b WHERE %4)")
                                        .arg(text.join(QStringLiteral(", ")), scratch, table.sqlName(),
                                            RestoreSql::equal(QStringLiteral("b"), QStringLiteral("k"), pk)));
    QList<QStringList> columns(pk.size());
    for (int row = 0; row < PgRaw::rows(held); ++row)
        for (int i = 0; i < pk.size(); ++i)
            columns[i] << PgRaw::value(held, row, i);
    return columns;
}

qint64 MovedKeys::find(const Table &table) const
{
    const QString s = sql::quoteIdent(staged(table));
    const QStringList &pk = table.primaryKey;
    const QStringList liveKey = liveKeyColumns(table.primaryKey);
    QStringList others;
    for (const QString &column : m_columns.value(table.qualifiedName()))
        if (!pk.contains(column))
            others << column;
    // The copy's other columns are the backup row's, the incident changed only its key; life may have
    // edited some of them since the backup (their newer values stay), but a row of the new owner's own
    // that merely has the same key shares at most a few: at least half of them must still be equal.
    QStringList equalOthers;
    for (const QString &column : others)
        equalOthers << QStringLiteral("(x.%1::text IS NOT DISTINCT FROM l.%1::text)::int").arg(sql::quoteIdent(column));
    // With one other column or none there is nothing to weigh: the key decides.
    const QString sameOthers = others.size() <= 1
        ? QStringLiteral("true")
        : QStringLiteral("2 * (%1) >= %2").arg(equalOthers.join(QStringLiteral(" + ")), QString::number(others.size()));
    qint64 claimed = 0;
    for (const ClosureBuilder::Edge &edge : keyEdges(table)) {
        QStringList moved;
        if (const QString targets = this->targets(edge); !targets.isEmpty())
            moved << targets;
        // A parent row the plan re-keys takes rows referencing it ON UPDATE CASCADE along: the
        // incident's move did the same.
        if (const QStringList parentKey = cascadingKey(edge); !parentKey.isEmpty()) {
            QStringList pairs;
            for (qsizetype i = 0; i < edge.columns.size(); ++i)
                pairs << QStringLiteral("m.%1 AS \"_salvage_p%2\", m.%3 AS \"_salvage_t%2\"")
                             .arg(sql::quoteIdent(edge.parentColumns.at(i)), QString::number(i),
                                 sql::quoteIdent(parentKey.at(i)));
            moved << QStringLiteral("SELECT DISTINCT %1 FROM %2 m WHERE %3")
                         .arg(pairs.join(QStringLiteral(", ")), sql::quoteIdent(staged(*edge.parent)),
                             rowActionIn(QStringLiteral("m"), { RowAction::Rekey, RowAction::Follows }));
        }
        if (moved.isEmpty())
            continue;
        QStringList byParent;
        for (qsizetype i = 0; i < edge.columns.size(); ++i)
            byParent << QStringLiteral("x.%1 = m.\"_salvage_p%2\"")
                            .arg(sql::quoteIdent(edge.columns.at(i)), QString::number(i));
        QStringList byCopy;
        for (const QString &column : pk) {
            const qsizetype position = edge.columns.indexOf(column);
            byCopy << (position < 0 ? QStringLiteral("l.%1 = x.%1").arg(sql::quoteIdent(column))
                                    : QStringLiteral("l.%1 = m.\"_salvage_t%2\"")
                                          .arg(sql::quoteIdent(column), QString::number(position)));
        }
        const QString from = QStringLiteral("%1 x JOIN (%2) m ON %3 JOIN %4 l ON %5")
                                 .arg(s, moved.join(QStringLiteral(" UNION ")), byParent.join(QStringLiteral(" AND ")),
                                     table.sqlName(), byCopy.join(QStringLiteral(" AND ")));
        const QString where = QStringLiteral("(x.%1 IS NULL OR x.%1 = %4) AND x.%2 IS NULL AND %3")
                                  .arg(StagingColumn::action(), sql::quoteIdent(liveKey.first()), sameOthers,
                                      rowActionSql(RowAction::Present));
        QByteArray candidates;
        m_live.copyOut(QStringLiteral("COPY (SELECT DISTINCT %1 FROM %2 WHERE %3) TO STDOUT")
                           .arg(RestoreSql::prefixed(QStringLiteral("l"), pk), from, where),
            [&](const char *chunk, int length) { candidates.append(chunk, length); });
        if (candidates.isEmpty())
            continue;

        // A live key BACKUP holds too was the new owner's own row before the incident.
        const QList<QStringList> held = inBackup(table, candidates);
        QStringList params;
        QStringList unnested;
        QStringList heldMatch;
        for (qsizetype i = 0; i < pk.size(); ++i) {
            params << arrayLiteral(held.at(i));
            unnested << QStringLiteral("$%1::text[]").arg(i + 1);
            heldMatch << QStringLiteral("l.%1 = u.\"c%2\"::%3")
                             .arg(sql::quoteIdent(pk.at(i)), QString::number(i), table.column(pk.at(i))->type);
        }
        QStringList unnestNames;
        for (qsizetype i = 0; i < pk.size(); ++i)
            unnestNames << QStringLiteral("\"c%1\"").arg(i);
        QStringList backupKey;
        QStringList copyKey;
        QStringList assign;
        QStringList match;
        QStringList claimedKeys;
        QStringList claimingKeys;
        for (qsizetype i = 0; i < pk.size(); ++i) {
            claimedKeys << QStringLiteral("d.\"_salvage_k%1\"").arg(i);
            claimingKeys << QStringLiteral("d.\"_salvage_b%1\"").arg(i);
            backupKey << QStringLiteral("x.%1 AS \"_salvage_b%2\"").arg(sql::quoteIdent(pk.at(i)), QString::number(i));
            copyKey << QStringLiteral("l.%1 AS \"_salvage_k%2\"").arg(sql::quoteIdent(pk.at(i)), QString::number(i));
            assign << QStringLiteral("%1 = c.\"_salvage_k%2\"").arg(sql::quoteIdent(liveKey.at(i)), QString::number(i));
            match << QStringLiteral("t.%1 = c.\"_salvage_b%2\"").arg(sql::quoteIdent(pk.at(i)), QString::number(i));
        }
        // Each backup row takes one copy, each copy goes to one backup row (rows to re-key first).
        claimed += PgRaw::affected(m_live.exec(
            QStringLiteral("UPDATE %1 t SET %2 FROM (SELECT DISTINCT ON (%3) d.* FROM ("
                           "SELECT DISTINCT ON (%4) %5, %6, x.%7 IS NULL AS \"_salvage_free\" FROM %8 WHERE %9 "
                           "AND NOT EXISTS (SELECT 1 FROM unnest(%10) AS u(%11) WHERE %12) ORDER BY %4, %13) d "
                           "ORDER BY %3, d.\"_salvage_free\" DESC, %14) c WHERE %15")
                .arg(s, assign.join(QStringLiteral(", ")), claimedKeys.join(QStringLiteral(", ")),
                    RestoreSql::prefixed(QStringLiteral("x"), pk), backupKey.join(QStringLiteral(", ")),
                    copyKey.join(QStringLiteral(", ")), StagingColumn::action(), from, where,
                    unnested.join(QStringLiteral(", ")), unnestNames.join(QStringLiteral(", ")),
                    heldMatch.join(QStringLiteral(" AND ")), RestoreSql::prefixed(QStringLiteral("l"), pk),
                    claimingKeys.join(QStringLiteral(", ")), match.join(QStringLiteral(" AND "))),
            params));
    }
    if (claimed == 0)
        return 0;
    keepReferencedCopies(table);
    // Copies the cascade from a re-keyed parent brings back need no statement of their own.
    for (const ClosureBuilder::Edge &edge : keyEdges(table)) {
        QStringList copyColumns;
        for (const QString &column : edge.columns)
            copyColumns << liveKey.at(pk.indexOf(column));
        const QString back = cascadesBack(edge, QStringLiteral("x"), QStringLiteral("x"), copyColumns);
        if (back != QLatin1String("false"))
            m_live.exec(QStringLiteral("UPDATE %1 x SET %2 = %5 WHERE x.%2 IS NULL AND x.%3 IS NOT NULL AND %4")
                            .arg(s, StagingColumn::action(), sql::quoteIdent(liveKey.first()), back,
                                rowActionSql(RowAction::Follows)));
    }
    m_live.exec(QStringLiteral("UPDATE %1 SET %2 = %4 WHERE %2 IS NULL AND %3 IS NOT NULL")
                    .arg(s, StagingColumn::action(), sql::quoteIdent(liveKey.first()), rowActionSql(RowAction::Rekey)));
    return claimed;
}

QStringList MovedKeys::cascadingKey(const ClosureBuilder::Edge &edge) const
{
    if (!edge.foreignKey || edge.foreignKey->onUpdate != FkAction::Cascade || staged(*edge.parent).isEmpty())
        return {};
    const QStringList parentKey = liveKeyColumns(edge.parent->primaryKey);
    QStringList result;
    for (const QString &column : edge.parentColumns) {
        const qsizetype position = edge.parent->primaryKey.indexOf(column);
        if (position < 0)
            return {};
        result << parentKey.at(position);
    }
    return result;
}

QString MovedKeys::cascadesBack(
    const ClosureBuilder::Edge &edge, const QString &backup, const QString &live, const QStringList &liveColumns) const
{
    const QStringList parentKey = cascadingKey(edge);
    if (parentKey.isEmpty())
        return QStringLiteral("false");
    QStringList match;
    for (qsizetype i = 0; i < edge.columns.size(); ++i)
        match << QStringLiteral("m.%1 = %2.%3")
                     .arg(sql::quoteIdent(edge.parentColumns.at(i)), backup, sql::quoteIdent(edge.columns.at(i)))
              << QStringLiteral("m.%1 = %2.%3")
                     .arg(sql::quoteIdent(parentKey.at(i)), live, sql::quoteIdent(liveColumns.at(i)));
    return QStringLiteral("EXISTS (SELECT 1 FROM %1 m WHERE %2 AND %3)")
        .arg(sql::quoteIdent(staged(*edge.parent)),
            rowActionIn(QStringLiteral("m"), { RowAction::Rekey, RowAction::Follows }),
            match.join(QStringLiteral(" AND ")));
}

void MovedKeys::keepReferencedCopies(const Table &table) const
{
    // Live rows referencing a copy through a key that does not follow an update (not ON UPDATE
    // CASCADE) would make the re-keying fail: the copy stays, like a key that cannot be put back.
    const QString s = sql::quoteIdent(staged(table));
    const QStringList liveKey = liveKeyColumns(table.primaryKey);
    for (const ClosureBuilder::Edge &edge : m_edges) {
        if (edge.parent->qualifiedName() != table.qualifiedName() || !edge.foreignKey
            || edge.foreignKey->onUpdate == FkAction::Cascade)
            continue;
        QStringList match;
        bool changes = false;
        for (qsizetype i = 0; i < edge.columns.size(); ++i) {
            const qsizetype position = table.primaryKey.indexOf(edge.parentColumns.at(i));
            changes = changes || position >= 0;
            match << QStringLiteral("d.%1 = x.%2")
                         .arg(sql::quoteIdent(edge.columns.at(i)),
                             sql::quoteIdent(position < 0 ? edge.parentColumns.at(i) : liveKey.at(position)));
        }
        if (!changes)
            continue;
        m_live.exec(
            QStringLiteral(
                "UPDATE %1 x SET %2 = %7, \"_salvage_reason\" = concat_ws('; ', x.\"_salvage_reason\", "
                "$1 || %3 || $2) WHERE x.%2 IS NULL AND x.%4 IS NOT NULL AND EXISTS (SELECT 1 FROM %5 d WHERE %6)")
                .arg(s, StagingColumn::action(), RestoreSql::keyText(QStringLiteral("x"), liveKey),
                    sql::quoteIdent(liveKey.first()), edge.child->sqlName(), match.join(QStringLiteral(" AND ")),
                    rowActionSql(RowAction::KeptLive)),
            { QStringLiteral("its moved copy ("),
                QStringLiteral(
                    ") stays in live under its new key: rows of %1 reference it through %2, which does not follow "
                    "an update of the key (ON UPDATE %3)")
                    .arg(edge.child->qualifiedName(), edge.foreignKey->name,
                        fkActionSql(edge.foreignKey->onUpdate).toUpper()) });
    }
}

QString MovedKeys::describe(const Table &table) const
{
    const QString s = sql::quoteIdent(staged(table));
    const QStringList liveKey = liveKeyColumns(table.primaryKey);
    QStringList parts;
    for (const ClosureBuilder::Edge &edge : keyEdges(table)) {
        QStringList copyColumns;
        for (const QString &column : edge.columns)
            copyColumns << liveKey.at(table.primaryKey.indexOf(column));
        const auto found = m_live.exec(
            QStringLiteral("SELECT array_to_string((array_agg(DISTINCT f ORDER BY f))[1:3], ', '), count(DISTINCT f), "
                           "array_to_string((array_agg(DISTINCT b ORDER BY b))[1:3], ', '), count(DISTINCT b) "
                           "FROM (SELECT %1 AS f, %2 AS b FROM %3 x WHERE %4 AND (%5) IS DISTINCT FROM "
                           "(%6)) y HAVING count(*) > 0")
                .arg(RestoreSql::keyText(QStringLiteral("x"), copyColumns),
                    RestoreSql::keyText(QStringLiteral("x"), edge.columns), s,
                    rowActionIs(QStringLiteral("x"), RowAction::Rekey),
                    RestoreSql::prefixed(QStringLiteral("x"), edge.columns),
                    RestoreSql::prefixed(QStringLiteral("x"), copyColumns)));
        if (PgRaw::rows(found) == 0)
            continue;
        parts << QStringLiteral("%1 %2 -> %3 (%4)")
                     .arg(edge.columns.join(QLatin1Char(',')),
                         someValues(PgRaw::value(found, 0, 0), PgRaw::value(found, 0, 1).toLongLong()),
                         someValues(PgRaw::value(found, 0, 2), PgRaw::value(found, 0, 3).toLongLong()),
                         edge.parent->qualifiedName());
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace salvage
