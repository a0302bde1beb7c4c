#include "restore/liveclassifier.h"

#include "db/arrayliteral.h"
#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/movedkeys.h"
#include "restore/restoresql.h"

#include <algorithm>

namespace salvage {

namespace {

const QString kAction = QStringLiteral("\"_salvage_action\"");
const QString kLive = QStringLiteral("\"_salvage_live\"");
const QString kReason = QStringLiteral("\"_salvage_reason\"");
const QString kRoot = QStringLiteral("\"_salvage_root\"");

/// A unique key PostgreSQL can evaluate over any row source with the table's column names.
bool comparable(const UniqueKey &key)
{
    return key.valid && !key.elements.isEmpty() && !key.elements.contains(QString());
}

/// "(element) AS "_salvage_e0", …"
QString keyElements(const UniqueKey &key)
{
    QStringList elements;
    for (qsizetype i = 0; i < key.elements.size(); ++i)
        elements << QStringLiteral("(%1) AS \"_salvage_e%2\"").arg(key.elements.at(i)).arg(i);
    return elements.join(QStringLiteral(", "));
}

/// "a."_salvage_e0" = b."_salvage_e0" AND …", NULLs equal when the key says so.
QString keyElementsMatch(const UniqueKey &key)
{
    QStringList match;
    for (qsizetype i = 0; i < key.elements.size(); ++i)
        match << (key.nullsNotDistinct ? QStringLiteral("a.\"_salvage_e%1\" IS NOT DISTINCT FROM b.\"_salvage_e%1\"")
                                       : QStringLiteral("a.\"_salvage_e%1\" = b.\"_salvage_e%1\""))
                     .arg(i);
    return match.join(QStringLiteral(" AND "));
}

QString keyPredicate(const UniqueKey &key)
{
    return key.partial ? QStringLiteral(" AND (%1)").arg(key.predicate) : QString();
}

/// Deleting the parent only empties the key: the row itself stays.
bool nullsOnDelete(const ClosureBuilder::Edge &edge)
{
    return edge.foreignKey
        && (edge.foreignKey->onDelete == FkAction::SetNull || edge.foreignKey->onDelete == FkAction::SetDefault);
}

} // namespace

LiveClassifier::LiveClassifier(const Schema &live, const PgRaw &session, const QHash<QString, QString> &staging,
    const QHash<QString, QStringList> &columns, const QList<ClosureBuilder::Edge> &edges, const MovedKeys *movedKeys)
    : m_schema(live)
    , m_session(session)
    , m_staging(staging)
    , m_columns(columns)
    , m_edges(edges)
    , m_movedKeys(movedKeys)
{
}

qint64 LiveClassifier::update(const QString &sql) const
{
    return PgRaw::affected(m_session.exec(sql));
}

QList<ClosureBuilder::Edge> LiveClassifier::edgesFrom(const Table &table) const
{
    QList<ClosureBuilder::Edge> result;
    for (const ClosureBuilder::Edge &edge : m_edges)
        if (edge.child->qualifiedName() == table.qualifiedName())
            result.append(edge);
    return result;
}

QString LiveClassifier::parentAvailable(
    const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const
{
    QString condition = QStringLiteral("EXISTS (SELECT 1 FROM %1 p WHERE %2)")
                            .arg(edge.parent->sqlName(),
                                RestoreSql::equal(QStringLiteral("p"), edge.parentColumns, alias, edge.columns));
    const QString parentStaging = staged(*edge.parent);
    if (!parentStaging.isEmpty()) {
        // Undecided, or waiting for its own parent in a cycle.
        const QString pending
            = pendingCounts ? QStringLiteral(" OR m.%1 IS NULL OR m.%1 = 'waiting'").arg(kAction) : QString();
        condition += QStringLiteral(
            " OR EXISTS (SELECT 1 FROM %1 m WHERE %2 AND (m.%3 IN ('insert', 'recreate', 'rekey', 'follows')%4))")
                         .arg(sql::quoteIdent(parentStaging),
                             RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, alias, edge.columns), kAction,
                             pending);
    }
    return QLatin1Char('(') + condition + QLatin1Char(')');
}

void LiveClassifier::classify(const Table &table, RestorePolicy policy, bool keepDeleted,
    const QStringList &knownDeleted, const QString &rule, bool policyChosen)
{
    const QString s = sql::quoteIdent(staged(table));
    const QStringList &pk = table.primaryKey;

    // Children of rows mapped onto a live row (keep-live) point at that live row.
    for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
        const QString parentStaging = staged(*edge.parent);
        if (parentStaging.isEmpty() || edge.parent == edge.child || edge.columns.size() != 1
            || edge.parentColumns != edge.parent->primaryKey)
            continue;
        update(QStringLiteral("UPDATE %1 s SET %2 = m.%3 FROM %4 m WHERE m.%5 = 'mapped' AND s.%2 = m.%6")
                   .arg(s, sql::quoteIdent(edge.columns.first()), kLive, sql::quoteIdent(parentStaging), kAction,
                       sql::quoteIdent(edge.parentColumns.first())));
    }

    update(QStringLiteral("UPDATE %1 s SET %2 = 'present' FROM %3 l WHERE %4")
               .arg(s, kAction, table.sqlName(), RestoreSql::equal(QStringLiteral("s"), pk, QStringLiteral("l"), pk)));
    // A missing row whose moved copy (a new key) is in live: the incident re-keyed it, the copy comes back.
    const qint64 copies = m_movedKeys ? m_movedKeys->find(table) : 0;
    if (keepDeleted)
        markKnownDeleted(table, s, knownDeleted);
    bool selfReferencing = false;
    for (const ClosureBuilder::Edge &edge : edgesFrom(table))
        selfReferencing = selfReferencing || edge.parent == edge.child;
    // A self-reference makes a row's fate depend on rows of the same table: repeat to a fixed point.
    for (int pass = 0; pass < 10000; ++pass) {
        qint64 changed = keepDeleted ? markWithDeletedParents(table, s) : 0;
        changed += markParents(table, s);
        if (keepDeleted)
            changed += markByProvenance(table, s, rule);
        if (!selfReferencing || changed == 0)
            break;
    }
    markCollisions(table, policy, s, QStringLiteral("%1 IS NULL").arg(kAction), policyChosen);
    update(QStringLiteral("UPDATE %1 SET %2 = 'insert' WHERE %2 IS NULL").arg(s, kAction));
    markPutBack(table, s);
    markCollisions(table, policy, s, QStringLiteral("%1 = 'repoint'").arg(kAction));
    if (copies > 0) {
        markCollisions(table, policy, s, QStringLiteral("%1 = 'rekey'").arg(kAction));
        keepCopiesOfPresentRows(table, s);
    }
}

QList<PlanListing> LiveClassifier::lostDependants(const Table &table) const
{
    // A restored parent whose backup dependant the plan skips (its unique key is someone else's now)
    // comes back without it: a finding before the run, not an orphan after it.
    QList<PlanListing> findings;
    const QString s = sql::quoteIdent(staged(table));
    for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
        if (edge.parent == edge.child || staged(*edge.parent).isEmpty())
            continue;
        const auto rows = m_session.exec(QStringLiteral(
            "SELECT %1, %2, x.%3 FROM %4 x JOIN %5 m ON %6 WHERE x.%7 = 'skipped' AND m.%7 IN ('insert', 'recreate') "
            "ORDER BY 1, 2 LIMIT 10000")
                                             .arg(RestoreSql::keyText(QStringLiteral("m"), edge.parent->primaryKey),
                                                 RestoreSql::keyText(QStringLiteral("x"), table.primaryKey), kReason, s,
                                                 sql::quoteIdent(staged(*edge.parent)),
                                                 RestoreSql::equal(QStringLiteral("m"), edge.parentColumns,
                                                     QStringLiteral("x"), edge.columns),
                                                 kAction));
        for (int row = 0; row < PgRaw::rows(rows); ++row)
            findings.append(
                { edge.parent->qualifiedName(), PgRaw::value(rows, row, 0), QStringLiteral("dependant-skipped"),
                    QStringLiteral(
                        "restored without its %1 row %2 (%3): merge (--policy %1=restore: the live row becomes this "
                        "one's), remap (--policy %1=keep-live: this row's dependants use the live row) or skip (as "
                        "planned: restored without it)")
                        .arg(table.qualifiedName(), PgRaw::value(rows, row, 1), PgRaw::value(rows, row, 2)) });
        for (qsizetype i = findings.size() - PgRaw::rows(rows); i < findings.size(); ++i)
            findings[i].dependantTable = table.qualifiedName();
    }
    return findings;
}

qint64 LiveClassifier::settle(const Table &table, RestorePolicy policy, const QString &rule, bool policyChosen)
{
    // Rows that waited for a parent in a table decided after theirs (a cycle): now it is decided.
    const QString s = sql::quoteIdent(staged(table));
    QStringList incident { QStringLiteral("false") };
    for (const ClosureBuilder::Edge &edge : takingEdges(table))
        incident << QStringLiteral("(%1 AND %2)")
                        .arg(RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                            incidentParent(edge, QStringLiteral("x"), false));
    const qint64 woken = update(QStringLiteral("UPDATE %1 x SET %2 = NULL WHERE x.%2 = 'waiting' AND (%3)")
                                    .arg(s, kAction, incident.join(QStringLiteral(" OR "))));
    if (woken == 0)
        return 0;
    markWithDeletedParents(table, s);
    markParents(table, s);
    markByProvenance(table, s, rule);
    markCollisions(table, policy, s, QStringLiteral("%1 IS NULL").arg(kAction), policyChosen);
    return update(QStringLiteral("UPDATE %1 SET %2 = 'insert' WHERE %2 IS NULL").arg(s, kAction));
}

void LiveClassifier::keepWaitingDeleted(const Table &table)
{
    m_session.exec(QStringLiteral("UPDATE %1 SET %2 = 'deleted-since', %3 = $1 WHERE %2 = 'waiting'")
                       .arg(sql::quoteIdent(staged(table)), kAction, kReason),
        { QStringLiteral(
            "deleted since the backup: no parent it had in the backup is a root or restored, so the incident did not "
            "take it") });
}

void LiveClassifier::markPutBack(const Table &table, const QString &s)
{
    // A foreign key that differs is put back only when its backup value is a root or a row the plan
    // restores: the incident took the row away from it. Any other difference is an ordinary edit
    // made since the backup, and life wins.
    const QStringList &pk = table.primaryKey;
    const QString sameKey = RestoreSql::equal(QStringLiteral("s"), pk, QStringLiteral("l"), pk);
    const auto moved = [](const ClosureBuilder::Edge &edge) {
        return QStringLiteral("(%1) IS DISTINCT FROM (%2) AND %3")
            .arg(RestoreSql::prefixed(QStringLiteral("s"), edge.columns),
                RestoreSql::prefixed(QStringLiteral("l"), edge.columns),
                RestoreSql::notNull(QStringLiteral("s"), edge.columns));
    };
    for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
        update(QStringLiteral(
            "UPDATE %1 s SET %2 = 'repoint' FROM %3 l WHERE s.%2 IN ('present', 'repoint') AND %4 AND %5 AND %6 AND %7")
                   .arg(s, kAction, table.sqlName(), sameKey, moved(edge),
                       incidentParent(edge, QStringLiteral("s"), false),
                       parentAvailable(edge, QStringLiteral("s"), false)));
        m_session.exec(
            QStringLiteral(
                "UPDATE %1 s SET %2 = concat_ws('; ', s.%2, $1::text) FROM %3 l WHERE s.%4 IN ('present', 'repoint') "
                "AND %5 AND %6 AND %7 AND NOT %8")
                .arg(s, kReason, table.sqlName(), kAction, sameKey, moved(edge),
                    incidentParent(edge, QStringLiteral("s"), false),
                    parentAvailable(edge, QStringLiteral("s"), false)),
            { QStringLiteral("moved %1 not put back: its original %2 row is gone from live")
                    .arg(edge.columns.join(QLatin1Char(',')), edge.parent->qualifiedName()) });
    }
    // Ordinary edits on rows put back for another key: the staged value becomes live's, so the
    // script's statement for this key leaves them alone.
    for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
        QStringList assignments;
        for (const QString &column : edge.columns)
            assignments << QStringLiteral("%1 = l.%1").arg(sql::quoteIdent(column));
        const qint64 edits
            = update(QStringLiteral("UPDATE %1 s SET %2 FROM %3 l WHERE s.%4 = 'repoint' AND %5 AND %6 AND NOT %7")
                         .arg(s, assignments.join(QStringLiteral(", ")), table.sqlName(), kAction, sameKey, moved(edge),
                             incidentParent(edge, QStringLiteral("s"), false)));
        const auto kept
            = m_session.exec(QStringLiteral("SELECT count(*) FROM %1 s JOIN %2 l ON %3 WHERE s.%4 = 'present' AND %5")
                                 .arg(s, table.sqlName(), sameKey, kAction, moved(edge)));
        const qint64 count = edits + PgRaw::value(kept, 0, 0).toLongLong();
        if (count > 0)
            m_lifeNotes << QStringLiteral(
                "%1.%2: %3 rows point elsewhere than in BACKUP and their backup %4 row is neither a root "
                "nor restored: ordinary edits since the backup, kept")
                               .arg(table.qualifiedName(), edge.columns.join(QLatin1Char(',')))
                               .arg(count)
                               .arg(edge.parent->qualifiedName());
    }
}

void LiveClassifier::keepCopiesOfPresentRows(const Table &table, const QString &s)
{
    // The backup row is in live again (made anew after the incident): its moved copy cannot take
    // its key back. Like a foreign key that cannot be put back, the live row stays as it is.
    const QStringList liveKey = MovedKeys::liveKeyColumns(table.primaryKey);
    m_session.exec(
        QStringLiteral(
            "UPDATE %1 x SET %2 = CASE WHEN x.%2 = 'present' THEN 'kept-live' ELSE x.%2 END, "
            "%3 = concat_ws('; ', x.%3, $1 || %4 || $2) WHERE x.%2 IN ('present', 'repoint') AND x.%5 IS NOT NULL")
            .arg(s, kAction, kReason, RestoreSql::keyText(QStringLiteral("x"), liveKey),
                sql::quoteIdent(liveKey.first())),
        { QStringLiteral("its moved copy ("),
            QStringLiteral(") stays in live under its new key: re-keying it back would duplicate "
                           "the primary key of this row, which live holds again") });
}

qint64 LiveClassifier::markParents(const Table &table, const QString &s)
{
    qint64 changed = 0;
    {
        for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
            const ForeignKey *foreignKey = edge.foreignKey;
            const FkAction onDelete = foreignKey ? foreignKey->onDelete : FkAction::NoAction;
            const QStringList setNull
                = foreignKey && !foreignKey->setNullColumns.isEmpty() ? foreignKey->setNullColumns : edge.columns;
            const QString condition = QStringLiteral("s.%1 IS NULL AND %2 AND NOT %3")
                                          .arg(kAction, RestoreSql::notNull(QStringLiteral("s"), edge.columns),
                                              parentAvailable(edge, QStringLiteral("s"), true));
            const QString parent = QStringLiteral("parent %1 (%2) is gone from live")
                                       .arg(edge.parent->qualifiedName(), edge.columns.join(QLatin1Char(',')));
            const QString key = RestoreSql::keyText(QStringLiteral("s"), edge.columns);
            if (onDelete == FkAction::Cascade) {
                changed += PgRaw::affected(
                    m_session.exec(QStringLiteral("UPDATE %1 s SET %2 = 'cascade', %3 = $1 || ' = ' || %4 || '; ON "
                                                  "DELETE CASCADE would have deleted this row' WHERE %5")
                                       .arg(s, kAction, kReason, key, condition),
                        { parent }));
            } else if (onDelete == FkAction::SetNull) {
                QStringList assignments;
                for (const QString &column : setNull)
                    assignments << sql::quoteIdent(column) + QStringLiteral(" = NULL");
                changed += PgRaw::affected(
                    m_session.exec(QStringLiteral("UPDATE %1 s SET %2, %3 = concat_ws('; ', s.%3, $1 || ' = ' || %4 || "
                                                  "'; restored with it set to NULL (ON DELETE SET NULL)') WHERE %5")
                                       .arg(s, assignments.join(QStringLiteral(", ")), kReason, key, condition),
                        { parent }));
            } else {
                changed += PgRaw::affected(
                    m_session.exec(QStringLiteral("UPDATE %1 s SET %2 = 'unrestorable', %3 = $1 || ' = ' || %4 || '; "
                                                  "its ON DELETE rule forbids the row without it' WHERE %5")
                                       .arg(s, kAction, kReason, key, condition),
                        { parent }));
            }
        }
    }
    return changed;
}

QString LiveClassifier::incidentParent(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const
{
    // The parent is a root or a row the plan restores (or, while its own table is being decided,
    // not yet decided): what the incident did to it, the plan undoes.
    const QString parentStaging = staged(*edge.parent);
    if (parentStaging.isEmpty())
        return QStringLiteral("false");
    // Only a row of the same table can still be undecided for a good reason (a self-reference is
    // decided in passes); a parent table decided later, in a cycle, proves nothing yet.
    const QString pending
        = pendingCounts && edge.parent == edge.child ? QStringLiteral(" OR m.%1 IS NULL").arg(kAction) : QString();
    QString condition = QStringLiteral(
        "EXISTS (SELECT 1 FROM %1 m WHERE %2 AND (m.%3 OR m.%4 IN ('insert', 'recreate', 'rekey', 'follows')%5))")
                            .arg(sql::quoteIdent(parentStaging),
                                RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, alias, edge.columns), kRoot,
                                kAction, pending);
    // A row mapped onto its live entity (keep-live) had its children pointed at that live row.
    if (edge.columns.size() == 1 && edge.parentColumns == edge.parent->primaryKey)
        condition
            += QStringLiteral(" OR EXISTS (SELECT 1 FROM %1 m WHERE m.%2 = 'mapped' AND m.%3 = %4.%5)")
                   .arg(sql::quoteIdent(parentStaging), kAction, kLive, alias, sql::quoteIdent(edge.columns.first()));
    return QLatin1Char('(') + condition + QLatin1Char(')');
}

QList<ClosureBuilder::Edge> LiveClassifier::takingEdges(const Table &table) const
{
    // Deleting the parent through such a link deletes the row or needs it gone first; a link ON
    // DELETE SET NULL/DEFAULT would only have emptied the key.
    QList<ClosureBuilder::Edge> result;
    for (const ClosureBuilder::Edge &edge : edgesFrom(table))
        if (!nullsOnDelete(edge) && !staged(*edge.parent).isEmpty())
            result.append(edge);
    return result;
}

bool LiveClassifier::repointedByIncident(const Table &table, const ClosureBuilder::Edge &edge, const QString &s) const
{
    const QStringList &pk = table.primaryKey;
    const qsizetype inKey = std::count_if(
        edge.columns.cbegin(), edge.columns.cend(), [&pk](const QString &column) { return pk.contains(column); });
    QString sql;
    if (inKey == edge.columns.size()) {
        // The link lies in the key: the incident's moves are the moved copies found for this link.
        QStringList copyColumns;
        const QStringList liveKey = MovedKeys::liveKeyColumns(pk);
        for (const QString &column : edge.columns)
            copyColumns << liveKey.at(pk.indexOf(column));
        sql = QStringLiteral(
            "SELECT EXISTS (SELECT 1 FROM %1 s WHERE s.%2 IN ('rekey', 'follows') AND (%3) IS DISTINCT FROM (%4))")
                  .arg(s, kAction, RestoreSql::prefixed(QStringLiteral("s"), edge.columns),
                      RestoreSql::prefixed(QStringLiteral("s"), copyColumns));
    } else {
        sql = QStringLiteral("SELECT EXISTS (SELECT 1 FROM %1 s JOIN %2 l ON %3 WHERE s.%4 = 'present' AND %5 AND (%6) "
                             "IS DISTINCT FROM (%7) "
                             "AND %8)")
                  .arg(s, table.sqlName(), RestoreSql::equal(QStringLiteral("s"), pk, QStringLiteral("l"), pk), kAction,
                      RestoreSql::notNull(QStringLiteral("s"), edge.columns),
                      RestoreSql::prefixed(QStringLiteral("s"), edge.columns),
                      RestoreSql::prefixed(QStringLiteral("l"), edge.columns),
                      incidentParent(edge, QStringLiteral("s"), false));
    }
    return PgRaw::value(m_session.exec(sql), 0, 0) == QLatin1String("t");
}

qint64 LiveClassifier::markKnownDeleted(const Table &table, const QString &s, const QStringList &knownDeleted)
{
    if (knownDeleted.isEmpty())
        return 0;
    return PgRaw::affected(m_session.exec(
        QStringLiteral(
            "UPDATE %1 s SET %2 = 'deleted-since', %3 = $1 WHERE s.%2 IS NULL AND NOT s.%4 AND %5 = ANY ($2::text[])")
            .arg(s, kAction, kReason, kRoot, RestoreSql::keyText(QStringLiteral("s"), table.primaryKey)),
        { QStringLiteral("deleted since the backup, as the plan before the run found"), arrayLiteral(knownDeleted) }));
}

qint64 LiveClassifier::markWithDeletedParents(const Table &table, const QString &s)
{
    // A parent life deleted since the backup took this row along (or needed it gone first).
    qint64 marked = 0;
    for (const ClosureBuilder::Edge &edge : takingEdges(table)) {
        marked += PgRaw::affected(m_session.exec(
            QStringLiteral(
                "UPDATE %1 x SET %2 = 'deleted-since', %3 = $1 || %4 || $2 WHERE x.%2 IS NULL AND NOT x.%5 AND %6 "
                "AND EXISTS (SELECT 1 FROM %7 m WHERE %8 AND m.%2 IN ('deleted-since', 'cascade'))")
                .arg(s, kAction, kReason, RestoreSql::keyText(QStringLiteral("x"), edge.columns), kRoot,
                    RestoreSql::notNull(QStringLiteral("x"), edge.columns), sql::quoteIdent(staged(*edge.parent)),
                    RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, QStringLiteral("x"), edge.columns)),
            { QStringLiteral("deleted since the backup with its parent %1 (%2 = ")
                    .arg(edge.parent->qualifiedName(), edge.columns.join(QLatin1Char(','))),
                QStringLiteral("), which is not restored") }));
    }
    return marked;
}

qint64 LiveClassifier::markByProvenance(const Table &table, const QString &s, const QString &rule)
{
    // A missing row comes back only when the incident deleted it. Rows the operator chose (roots)
    // always do.
    const QList<ClosureBuilder::Edge> edges = takingEdges(table);
    const QString undecided = QStringLiteral("x.%1 IS NULL AND NOT x.%2").arg(kAction, kRoot);
    QStringList incident { QStringLiteral("false") };
    for (const ClosureBuilder::Edge &edge : edges)
        incident << QStringLiteral("(%1 AND %2)")
                        .arg(RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                            incidentParent(edge, QStringLiteral("x"), true));
    qint64 marked = 0;
    // In the closure only through keys ON DELETE SET NULL: deleting such a parent would have emptied
    // the key, not deleted the row.
    for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
        if (!nullsOnDelete(edge) || staged(*edge.parent).isEmpty())
            continue;
        marked += PgRaw::affected(m_session.exec(
            QStringLiteral("UPDATE %1 x SET %2 = 'deleted-since', %3 = $1 || %4 || $2 WHERE %5 AND NOT (%6) AND %7 "
                           "AND EXISTS (SELECT 1 FROM %8 m WHERE %9)")
                .arg(s, kAction, kReason, RestoreSql::keyText(QStringLiteral("x"), edge.columns), undecided,
                    incident.join(QStringLiteral(" OR ")), RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                    sql::quoteIdent(staged(*edge.parent)),
                    RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, QStringLiteral("x"), edge.columns)),
            { QStringLiteral("deleted since the backup: it is in the closure only through %1 = ")
                    .arg(edge.columns.join(QLatin1Char(','))),
                QStringLiteral(
                    " (%1, ON DELETE %2): deleting that row would have emptied the key, not deleted this one")
                    .arg(edge.parent->qualifiedName(), fkActionSql(edge.foreignKey->onDelete).toUpper()) }));
    }
    // A parent in a table decided later (a cycle) may yet be restored: the row waits for it (settle()).
    QStringList waiting { QStringLiteral("false") };
    for (const ClosureBuilder::Edge &edge : edges)
        if (edge.parent != edge.child)
            waiting << QStringLiteral(
                "(%1 AND EXISTS (SELECT 1 FROM %2 m WHERE %3 AND (m.%4 IS NULL OR m.%4 = 'waiting')))")
                           .arg(RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                               sql::quoteIdent(staged(*edge.parent)),
                               RestoreSql::equal(
                                   QStringLiteral("m"), edge.parentColumns, QStringLiteral("x"), edge.columns),
                               kAction);
    update(
        QStringLiteral("UPDATE %1 x SET %2 = 'waiting' WHERE %3 AND NOT (%4) AND (%5)")
            .arg(s, kAction, undecided, incident.join(QStringLiteral(" OR ")), waiting.join(QStringLiteral(" OR "))));
    // No parent of it is a root or restored: every parent it had in the backup is still in live,
    // so life deleted it.
    marked += PgRaw::affected(m_session.exec(
        QStringLiteral("UPDATE %1 x SET %2 = 'deleted-since', %3 = $1 WHERE %4 AND NOT (%5)")
            .arg(s, kAction, kReason, undecided, incident.join(QStringLiteral(" OR "))),
        { QStringLiteral(
            "deleted since the backup: no parent it had in the backup is a root or restored (they are in live, or life "
            "deleted them), so the incident did not take it") }));

    // It went with a root or restored parent through a link the incident did not re-point in this
    // table (a cascade, or deleted so that the parent could go): restored. Through a link the
    // incident did re-point, it was either skipped by the incident or already gone.
    QList<ClosureBuilder::Edge> repointed;
    QStringList wentWithParent { QStringLiteral("false") };
    for (const ClosureBuilder::Edge &edge : edges) {
        const QString through = QStringLiteral("(%1 AND %2)")
                                    .arg(RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                                        incidentParent(edge, QStringLiteral("x"), true));
        if (repointedByIncident(table, edge, s))
            repointed << edge;
        else
            wentWithParent << through;
    }
    if (repointed.isEmpty())
        return marked;
    update(QStringLiteral("UPDATE %1 x SET %2 = 'unexplained' WHERE %3 AND NOT (%4)")
               .arg(s, kAction, undecided, wentWithParent.join(QStringLiteral(" OR "))));
    for (const ClosureBuilder::Edge &edge : std::as_const(repointed))
        markSkippedByIncident(table, edge, s, rule);
    marked += PgRaw::affected(m_session.exec(
        QStringLiteral("UPDATE %1 x SET %2 = 'deleted-since', %3 = $1 WHERE x.%2 = 'unexplained'")
            .arg(s, kAction, kReason),
        { QStringLiteral(
            "deleted since the backup: the incident re-pointed such rows of its parent, and re-pointing this one would "
            "have broken no key or rule, so it was gone before the incident ran") }));
    return marked;
}

QString LiveClassifier::beforeIncident(const Table &table, const QString &s) const
{
    // The table as the incident found it, as far as the plan knows: live, and the rows the plan
    // brings back (or puts back) as BACKUP had them.
    const QStringList columns = m_columns.value(table.qualifiedName());
    return QStringLiteral(
        "(SELECT %1 FROM %2 l UNION ALL SELECT %3 FROM %4 b WHERE b.%5 IS NULL OR b.%5 IN ('insert', 'recreate', "
        "'rekey', 'follows', 'repoint'))")
        .arg(sql::quoteIdentList(columns), table.sqlName(), RestoreSql::prefixed(QStringLiteral("b"), columns), s,
            kAction);
}

QString LiveClassifier::substituted(
    const Table &table, const ClosureBuilder::Edge &edge, const QString &s, const QString &targets) const
{
    // Rows still unexplained, as the incident would have made them: the link re-pointed to where it
    // re-pointed the parent's other rows.
    QStringList columns;
    QStringList match;
    for (const QString &column : m_columns.value(table.qualifiedName())) {
        const qsizetype position = edge.columns.indexOf(column);
        columns << (position < 0
                ? QStringLiteral("x.") + sql::quoteIdent(column)
                : QStringLiteral("m.\"_salvage_t%1\" AS %2").arg(position).arg(sql::quoteIdent(column)));
    }
    for (qsizetype i = 0; i < edge.columns.size(); ++i)
        match << QStringLiteral("x.%1 = m.\"_salvage_p%2\"").arg(sql::quoteIdent(edge.columns.at(i))).arg(i);
    // The row's own key, apart from the substituted columns (the key may hold them).
    for (qsizetype i = 0; i < table.primaryKey.size(); ++i)
        columns << QStringLiteral("x.%1 AS \"_salvage_k%2\"").arg(sql::quoteIdent(table.primaryKey.at(i))).arg(i);
    return QStringLiteral("SELECT %1 FROM %2 x JOIN (%3) m ON %4 WHERE x.%5 = 'unexplained'")
        .arg(columns.join(QStringLiteral(", ")), s, targets, match.join(QStringLiteral(" AND ")), kAction);
}

void LiveClassifier::markSkippedByIncident(
    const Table &table, const ClosureBuilder::Edge &edge, const QString &s, const QString &rule)
{
    const QStringList &pk = table.primaryKey;
    const QString targets = m_movedKeys ? m_movedKeys->targets(edge) : QString();
    QStringList ownKey;
    QStringList ownKeyMatch;
    for (qsizetype i = 0; i < pk.size(); ++i) {
        ownKey << QStringLiteral("\"_salvage_k%1\"").arg(i);
        ownKeyMatch << QStringLiteral("x.%1 = c.\"_salvage_k%2\"").arg(sql::quoteIdent(pk.at(i))).arg(i);
    }
    const QString restore = QStringLiteral("UPDATE %1 x SET %2 = NULL FROM (%3) c WHERE x.%2 = 'unexplained' AND %4")
                                .arg(s, kAction, QStringLiteral("%1"), ownKeyMatch.join(QStringLiteral(" AND ")));
    QStringList parentMatch;
    for (qsizetype i = 0; i < edge.columns.size(); ++i)
        parentMatch << QStringLiteral("x.%1 = m.\"_salvage_p%2\"").arg(sql::quoteIdent(edge.columns.at(i))).arg(i);
    // The incident moved none of this parent's rows anywhere: nothing was re-pointed for it, the
    // row went with its parent.
    update(QStringLiteral(
        "UPDATE %1 x SET %2 = NULL WHERE x.%2 = 'unexplained' AND %3 AND %4 AND NOT EXISTS (SELECT 1 FROM (%5) m "
        "WHERE %6)")
               .arg(s, kAction, RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                   incidentParent(edge, QStringLiteral("x"), true),
                   targets.isEmpty() ? QStringLiteral("SELECT NULL AS \"_salvage_p0\" WHERE false") : targets,
                   parentMatch.join(QStringLiteral(" AND "))));
    if (targets.isEmpty())
        return;
    const QString sub = substituted(table, edge, s, targets);
    const QString keys = ownKey.join(QStringLiteral(", "));

    // The row it would have become already exists at the target (the same values but the moved
    // link and a surrogate id): another victim's moved row, or the target's own.
    QStringList compared;
    for (const QString &column : m_columns.value(table.qualifiedName()))
        if (!(pk.size() == 1 && pk.first() == column && !edge.columns.contains(column)))
            compared << column;
    update(restore.arg(QStringLiteral(
        "SELECT DISTINCT %1 FROM (%2) y WHERE EXISTS (SELECT 1 FROM %3 l WHERE %4 AND ROW(%5)::text = ROW(%6)::text)")
                           .arg(keys, sub, beforeIncident(table, s),
                               RestoreSql::equal(QStringLiteral("l"), QStringLiteral("y"), edge.columns),
                               RestoreSql::prefixed(QStringLiteral("l"), compared),
                               RestoreSql::prefixed(QStringLiteral("y"), compared))));

    // It would have duplicated a unique key (a real one, a declared one, or the primary key when the
    // link lies in it).
    QList<UniqueKey> uniqueKeys = table.uniqueKeys;
    if (std::all_of(
            edge.columns.cbegin(), edge.columns.cend(), [&pk](const QString &column) { return pk.contains(column); })) {
        UniqueKey primary;
        primary.valid = true;
        primary.columns = pk;
        for (const QString &column : pk)
            primary.elements << sql::quoteIdent(column);
        uniqueKeys.prepend(primary);
    }
    for (const UniqueKey &key : std::as_const(uniqueKeys)) {
        if (!comparable(key))
            continue;
        update(restore.arg(QStringLiteral("SELECT DISTINCT %1 FROM (SELECT %2, %3 FROM (%4) y WHERE true%5) a "
                                          "JOIN (SELECT %3 FROM %6 y WHERE true%5) b ON %7")
                               .arg(keys, keys, keyElements(key), sub, keyPredicate(key), beforeIncident(table, s),
                                   keyElementsMatch(key))));
    }

    // It would have referenced the target from two links at once (a self-follow).
    for (const ClosureBuilder::Edge &other : edgesFrom(table)) {
        if (other.columns == edge.columns || other.parent != edge.parent || other.parentColumns != edge.parentColumns)
            continue;
        update(restore.arg(QStringLiteral("SELECT DISTINCT %1 FROM (%2) y WHERE (%3) = (%4)")
                               .arg(keys, sub, RestoreSql::prefixed(QStringLiteral("y"), other.columns),
                                   RestoreSql::prefixed(QStringLiteral("y"), edge.columns))));
    }

    // It would have broken a rule the application checks in code.
    if (!rule.isEmpty())
        update(restore.arg(
            QStringLiteral("SELECT DISTINCT %1 FROM (%2) y WHERE NOT coalesce((%3), true)").arg(keys, sub, rule)));
}

QString LiveClassifier::projectedLive(const Table &table) const
{
    // LIVE as it will be once recreated parents got their original ids back.
    QStringList columns;
    QStringList joins;
    const QList<ClosureBuilder::Edge> edges = edgesFrom(table);
    for (const Column &column : table.columns) {
        QString expression = QStringLiteral("l.") + sql::quoteIdent(column.name);
        for (const ClosureBuilder::Edge &edge : edges) {
            const QString parentStaging = staged(*edge.parent);
            if (parentStaging.isEmpty() || edge.parent == edge.child || edge.columns != QStringList { column.name }
                || edge.parentColumns != edge.parent->primaryKey)
                continue;
            const QString alias = QStringLiteral("m%1").arg(joins.size());
            joins << QStringLiteral("LEFT JOIN %1 %2 ON %2.%3 = 'recreate' AND %2.%4 = l.%5")
                         .arg(sql::quoteIdent(parentStaging), alias, kAction, kLive, sql::quoteIdent(column.name));
            expression = QStringLiteral("coalesce(%1.%2, %3)")
                             .arg(alias, sql::quoteIdent(edge.parentColumns.first()), expression);
            break;
        }
        columns << expression + QStringLiteral(" AS ") + sql::quoteIdent(column.name);
    }
    return QStringLiteral("(SELECT %1 FROM %2 l %3)")
        .arg(columns.join(QStringLiteral(", ")), table.sqlName(), joins.join(QLatin1Char(' ')));
}

void LiveClassifier::markCollisions(
    const Table &table, RestorePolicy policy, const QString &s, const QString &candidates, bool policyChosen)
{
    const QStringList &pk = table.primaryKey;
    // A row whose moved copy takes its key back: that key is checked too, and the copy is not a collision with itself.
    const bool rekey = candidates.contains(QLatin1String("'rekey'"));
    const bool repoint = rekey || candidates.contains(QLatin1String("'repoint'"));
    QList<UniqueKey> keys = table.uniqueKeys;
    QString notItsCopy;
    if (rekey) {
        UniqueKey primary;
        primary.columns = pk;
        for (const QString &column : pk)
            primary.elements << sql::quoteIdent(column);
        keys.prepend(primary);
        notItsCopy = QStringLiteral(" AND (%1) IS DISTINCT FROM (%2)")
                         .arg(RestoreSql::prefixed(QStringLiteral("a"), MovedKeys::liveKeyColumns(table.primaryKey)),
                             RestoreSql::prefixed(QStringLiteral("b"), pk));
    }
    for (const UniqueKey &key : std::as_const(keys)) {
        if (!comparable(key))
            continue;
        const QString predicate = keyPredicate(key);
        const QString keyColumns = sql::quoteIdentList(pk);
        // A live row that belongs to another parent than the backup row (someone else's e-mail that
        // took a victim's address) is not taken from its owner unless the operator chose the policy.
        QStringList owners;
        // Roots are the operator's choice: taken over whatever they point at.
        QStringList sameOwner { QStringLiteral("true") };
        if (!policyChosen && !repoint && pk.size() == 1) {
            sameOwner = QStringList { QStringLiteral("true") };
            for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
                if (edge.parent == edge.child || edge.columns.size() != 1 || staged(*edge.parent).isEmpty())
                    continue;
                sameOwner
                    << QStringLiteral("a.\"_salvage_o%1\" IS NOT DISTINCT FROM b.\"_salvage_o%1\"").arg(owners.size());
                owners << QStringLiteral(", x.%1 AS \"_salvage_o%2\"")
                              .arg(sql::quoteIdent(edge.columns.first()))
                              .arg(owners.size());
            }
        }
        const QString ownerCheck = owners.isEmpty()
            ? QStringLiteral("true")
            : QStringLiteral("(a.%1 OR (%2))").arg(kRoot, sameOwner.join(QStringLiteral(" AND ")));
        const QString candidateRoot = owners.isEmpty() ? QString() : QStringLiteral(", x.") + kRoot;
        const QString candidateRows
            = QStringLiteral("SELECT %1, %2%6 FROM %3 x WHERE %4%5")
                  .arg(rekey ? sql::quoteIdentList(pk + MovedKeys::liveKeyColumns(table.primaryKey)) : keyColumns,
                      keyElements(key), s, candidates, predicate, owners.join(QString()) + candidateRoot);
        const QString liveRows
            = QStringLiteral("SELECT %1, %2%5 FROM %3 x WHERE true%4")
                  .arg(keyColumns, keyElements(key), projectedLive(table), predicate, owners.join(QString()));
        QStringList keyAliases;
        for (qsizetype i = 0; i < pk.size(); ++i)
            keyAliases << QStringLiteral("a.%1 AS \"_salvage_k%2\"").arg(sql::quoteIdent(pk.at(i))).arg(i);
        QStringList keyMatch;
        for (qsizetype i = 0; i < pk.size(); ++i)
            keyMatch << QStringLiteral("s.%1 = c.\"_salvage_k%2\"").arg(sql::quoteIdent(pk.at(i))).arg(i);

        QString action;
        QString reason;
        const bool singleKey = pk.size() == 1;
        if (rekey) {
            action = QStringLiteral("kept-live");
            reason = QStringLiteral(
                "its moved copy stays in live: re-keying it back would duplicate %1 of newer live row ")
                         .arg(key.name.isEmpty() ? QStringLiteral("the primary key")
                                                 : QStringLiteral("unique key ") + key.name);
        } else if (repoint) {
            action = QStringLiteral("kept-live");
            reason = QStringLiteral("putting its foreign key back would duplicate unique key %1 of newer live row ")
                         .arg(key.name);
        } else if (policy == RestorePolicy::Restore && singleKey) {
            action = QStringLiteral("recreate");
            reason = QStringLiteral("recreated entity: unique key %1 matches live row ").arg(key.name);
        } else if (policy == RestorePolicy::KeepLive && singleKey) {
            action = QStringLiteral("mapped");
            reason = QStringLiteral("keep-live: mapped onto live row with the same %1, live row ").arg(key.name);
        } else {
            action = QStringLiteral("skipped");
            reason = QStringLiteral("unique key %1 is taken by newer live row ").arg(key.name);
        }
        const QString liveKey = singleKey ? QStringLiteral("b.") + sql::quoteIdent(pk.first()) : QStringLiteral("NULL");
        m_session.exec(
            QStringLiteral(
                "UPDATE %1 s SET %2 = CASE WHEN c.\"_salvage_same\" THEN $1 ELSE 'skipped' END, %3 = c.\"_salvage_l\", "
                "%4 = concat_ws('; ', s.%4, CASE WHEN c.\"_salvage_same\" THEN $2 ELSE $3 END || c.\"_salvage_lkey\") "
                "FROM (SELECT DISTINCT ON (%5) %6, %7 AS \"_salvage_l\", %8 AS \"_salvage_lkey\", %15 AS "
                "\"_salvage_same\" "
                "FROM (%9) a JOIN (%10) b ON %11 WHERE (%5) IS DISTINCT FROM (%12) ORDER BY %5, %12) c "
                "WHERE %13 AND s.%14")
                .arg(s, kAction, kLive, kReason, RestoreSql::prefixed(QStringLiteral("a"), pk),
                    keyAliases.join(QStringLiteral(", ")), liveKey, RestoreSql::keyText(QStringLiteral("b"), pk),
                    candidateRows)
                .arg(liveRows, keyElementsMatch(key) + notItsCopy, RestoreSql::prefixed(QStringLiteral("b"), pk),
                    keyMatch.join(QStringLiteral(" AND ")), candidates, ownerCheck),
            { action, reason,
                QStringLiteral(
                    "unique key %1 is held by a live row of another owner, which keeps it (choose a policy for %2 "
                    "to take it over): live row ")
                    .arg(key.name, table.qualifiedName()) });
    }
}

qint64 LiveClassifier::foreignKeyUpdates(const ClosureBuilder::Edge &edge, bool backEdge) const
{
    const Table &table = *edge.child;
    const QString s = sql::quoteIdent(staged(table));
    const QString insertRows = backEdge ? QStringLiteral(" OR s.%1 IN ('insert', 'recreate')").arg(kAction) : QString();
    // A key ON UPDATE CASCADE to a moved copy the plan re-keys is put back by that statement.
    const QString cascaded = m_movedKeys
        ? m_movedKeys->cascadesBack(edge, QStringLiteral("s"), QStringLiteral("l"), edge.columns)
        : QStringLiteral("false");
    const auto result = m_session.exec(
        QStringLiteral("SELECT count(*) FROM %1 s LEFT JOIN %2 l ON %3 WHERE %4 AND %5 AND "
                       "((s.%6 = 'repoint' AND (%7) IS DISTINCT FROM (%8) AND NOT %10)%9)")
            .arg(s, table.sqlName(),
                RestoreSql::equal(QStringLiteral("s"), table.primaryKey, QStringLiteral("l"), table.primaryKey),
                RestoreSql::notNull(QStringLiteral("s"), edge.columns),
                parentAvailable(edge, QStringLiteral("s"), false), kAction,
                RestoreSql::prefixed(QStringLiteral("s"), edge.columns),
                RestoreSql::prefixed(QStringLiteral("l"), edge.columns), insertRows)
            .arg(cascaded));
    return PgRaw::value(result, 0, 0).toLongLong();
}

} // namespace salvage
