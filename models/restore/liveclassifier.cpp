#include "restore/liveclassifier.h"

#include "db/arrayliteral.h"
#include "db/sqlident.h"
#include "db/pgraw.h"
#include "restore/movedkeys.h"
#include "restore/restoresql.h"

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

/// "_salvage_p0", …: the backup parent values movedParents() selects.
QStringList parentAliases(const ClosureBuilder::Edge &edge)
{
    QStringList aliases;
    for (qsizetype i = 0; i < edge.columns.size(); ++i)
        aliases << QStringLiteral("_salvage_p%1").arg(i);
    return aliases;
}

/// Deleting the parent only empties the key: the row itself stays.
bool nullsOnDelete(const ClosureBuilder::Edge &edge)
{
    return edge.foreignKey && (edge.foreignKey->onDelete == FkAction::SetNull || edge.foreignKey->onDelete == FkAction::SetDefault);
}

} // namespace

LiveClassifier::LiveClassifier(const Schema &live, const PgRaw &session, const QHash<QString, QString> &staging,
                               const QHash<QString, QStringList> &columns, const QList<ClosureBuilder::Edge> &edges,
                               const MovedKeys *movedKeys)
    : m_schema(live), m_session(session), m_staging(staging), m_columns(columns), m_edges(edges), m_movedKeys(movedKeys)
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

QString LiveClassifier::parentAvailable(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const
{
    QString condition = QStringLiteral("EXISTS (SELECT 1 FROM %1 p WHERE %2)")
                            .arg(edge.parent->sqlName(), RestoreSql::equal(QStringLiteral("p"), edge.parentColumns, alias, edge.columns));
    const QString parentStaging = staged(*edge.parent);
    if (!parentStaging.isEmpty()) {
        const QString pending = pendingCounts ? QStringLiteral(" OR m.%1 IS NULL").arg(kAction) : QString();
        condition += QStringLiteral(" OR EXISTS (SELECT 1 FROM %1 m WHERE %2 AND (m.%3 IN ('insert', 'recreate', 'rekey', 'follows')%4))")
                         .arg(sql::quoteIdent(parentStaging), RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, alias, edge.columns),
                              kAction, pending);
    }
    return QLatin1Char('(') + condition + QLatin1Char(')');
}

void LiveClassifier::classify(const Table &table, RestorePolicy policy, bool keepDeleted, const QStringList &knownDeleted)
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
    // Before markParents, which empties keys to parents that are not restored.
    if (keepDeleted)
        markDeletedThroughSetNull(table, s);
    markParents(table, s);
    // Rows kept deleted take their children with them (a self-reference needs another pass).
    if (keepDeleted && markDeletedSince(table, s, knownDeleted) > 0)
        markParents(table, s);
    // A missing row whose moved copy (a new key) is in live gets that copy back rather than a second row.
    const qint64 copies = m_movedKeys ? m_movedKeys->find(table) : 0;
    markCollisions(table, policy, s, QStringLiteral("%1 IS NULL").arg(kAction));
    update(QStringLiteral("UPDATE %1 SET %2 = 'insert' WHERE %2 IS NULL").arg(s, kAction));

    // Present rows whose foreign key was moved: put it back when its original parent is there.
    for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
        const QString moved = QStringLiteral("(%1) IS DISTINCT FROM (%2) AND %3")
                                  .arg(RestoreSql::prefixed(QStringLiteral("s"), edge.columns), RestoreSql::prefixed(QStringLiteral("l"), edge.columns),
                                       RestoreSql::notNull(QStringLiteral("s"), edge.columns));
        const QString base = QStringLiteral("UPDATE %1 s SET %2 FROM %3 l WHERE s.%4 IN ('present', 'repoint') AND %5 AND %6 AND %7 %8");
        update(base.arg(s, kAction + QStringLiteral(" = 'repoint'"), table.sqlName(), kAction,
                         RestoreSql::equal(QStringLiteral("s"), pk, QStringLiteral("l"), pk), moved, QString(), parentAvailable(edge, QStringLiteral("s"), false)));
        m_session.exec(base.arg(s, kReason + QStringLiteral(" = concat_ws('; ', s.") + kReason + QStringLiteral(", $1::text)"),
                                table.sqlName(), kAction, RestoreSql::equal(QStringLiteral("s"), pk, QStringLiteral("l"), pk), moved,
                                QStringLiteral("NOT"), parentAvailable(edge, QStringLiteral("s"), false)),
                       {QStringLiteral("moved %1 not put back: its original %2 row is gone from live")
                            .arg(edge.columns.join(QLatin1Char(',')), edge.parent->qualifiedName())});
    }
    markCollisions(table, policy, s, QStringLiteral("%1 = 'repoint'").arg(kAction));
    if (copies > 0) {
        markCollisions(table, policy, s, QStringLiteral("%1 = 'rekey'").arg(kAction));
        keepCopiesOfPresentRows(table, s);
    }
}

void LiveClassifier::keepCopiesOfPresentRows(const Table &table, const QString &s)
{
    // The backup row is in live again (made anew after the incident): its moved copy cannot take
    // its key back. Like a foreign key that cannot be put back, the live row stays as it is.
    const QStringList liveKey = MovedKeys::liveKeyColumns(table.primaryKey);
    m_session.exec(QStringLiteral("UPDATE %1 x SET %2 = CASE WHEN x.%2 = 'present' THEN 'kept-live' ELSE x.%2 END, "
                                  "%3 = concat_ws('; ', x.%3, $1 || %4 || $2) WHERE x.%2 IN ('present', 'repoint') AND x.%5 IS NOT NULL")
                       .arg(s, kAction, kReason, RestoreSql::keyText(QStringLiteral("x"), liveKey), sql::quoteIdent(liveKey.first())),
                   {QStringLiteral("its moved copy ("), QStringLiteral(") stays in live under its new key: re-keying it back would duplicate "
                                                                        "the primary key of this row, which live holds again")});
}

void LiveClassifier::markParents(const Table &table, const QString &s)
{
    bool selfReferencing = false;
    for (const ClosureBuilder::Edge &edge : edgesFrom(table))
        selfReferencing = selfReferencing || edge.parent == edge.child;
    // A self-reference makes a row's fate depend on rows of the same table: repeat to a fixed point.
    for (int pass = 0; pass < 10000; ++pass) {
        qint64 changed = 0;
        for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
            const ForeignKey *foreignKey = edge.foreignKey;
            const FkAction onDelete = foreignKey ? foreignKey->onDelete : FkAction::NoAction;
            const QStringList setNull = foreignKey && !foreignKey->setNullColumns.isEmpty() ? foreignKey->setNullColumns : edge.columns;
            const QString condition = QStringLiteral("s.%1 IS NULL AND %2 AND NOT %3")
                                          .arg(kAction, RestoreSql::notNull(QStringLiteral("s"), edge.columns),
                                               parentAvailable(edge, QStringLiteral("s"), true));
            const QString parent = QStringLiteral("parent %1 (%2) is gone from live").arg(edge.parent->qualifiedName(),
                                                                                          edge.columns.join(QLatin1Char(',')));
            const QString key = RestoreSql::keyText(QStringLiteral("s"), edge.columns);
            if (onDelete == FkAction::Cascade) {
                changed += PgRaw::affected(m_session.exec(
                    QStringLiteral("UPDATE %1 s SET %2 = 'cascade', %3 = $1 || ' = ' || %4 || '; ON DELETE CASCADE would have deleted this row' WHERE %5")
                        .arg(s, kAction, kReason, key, condition), {parent}));
            } else if (onDelete == FkAction::SetNull) {
                QStringList assignments;
                for (const QString &column : setNull)
                    assignments << sql::quoteIdent(column) + QStringLiteral(" = NULL");
                changed += PgRaw::affected(m_session.exec(
                    QStringLiteral("UPDATE %1 s SET %2, %3 = concat_ws('; ', s.%3, $1 || ' = ' || %4 || '; restored with it set to NULL (ON DELETE SET NULL)') WHERE %5")
                        .arg(s, assignments.join(QStringLiteral(", ")), kReason, key, condition), {parent}));
            } else {
                changed += PgRaw::affected(m_session.exec(
                    QStringLiteral("UPDATE %1 s SET %2 = 'unrestorable', %3 = $1 || ' = ' || %4 || '; its ON DELETE rule forbids the row without it' WHERE %5")
                        .arg(s, kAction, kReason, key, condition), {parent}));
            }
        }
        if (!selfReferencing || changed == 0)
            break;
    }
}

QString LiveClassifier::parentGone(const Table &table, const QStringList &exceptColumns) const
{
    // A parent through a key whose deletion deletes x or needs it gone is missing from live.
    QStringList gone{QStringLiteral("false")};
    for (const ClosureBuilder::Edge &edge : edgesFrom(table)) {
        if (edge.columns == exceptColumns || nullsOnDelete(edge))
            continue;
        gone << QStringLiteral("(%1 AND NOT EXISTS (SELECT 1 FROM %2 p WHERE %3))")
                    .arg(RestoreSql::notNull(QStringLiteral("x"), edge.columns), edge.parent->sqlName(),
                         RestoreSql::equal(QStringLiteral("p"), edge.parentColumns, QStringLiteral("x"), edge.columns));
    }
    return gone.join(QStringLiteral(" OR "));
}

qint64 LiveClassifier::markDeletedThroughSetNull(const Table &table, const QString &s)
{
    // A missing row linked to the closure only by keys ON DELETE SET NULL: deleting such a parent
    // would have emptied the key, not deleted the row. Unless a parent whose deletion takes it
    // along is gone too, nothing of the incident explains its absence: it was deleted on purpose.
    const QList<ClosureBuilder::Edge> edges = edgesFrom(table);
    QStringList reachedOtherwise{QStringLiteral("false")};
    for (const ClosureBuilder::Edge &edge : edges)
        if (!nullsOnDelete(edge) && !staged(*edge.parent).isEmpty())
            reachedOtherwise << QStringLiteral("EXISTS (SELECT 1 FROM %1 m WHERE %2)")
                                    .arg(sql::quoteIdent(staged(*edge.parent)),
                                         RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, QStringLiteral("x"), edge.columns));
    qint64 marked = 0;
    for (const ClosureBuilder::Edge &edge : edges) {
        if (!nullsOnDelete(edge) || staged(*edge.parent).isEmpty())
            continue;
        marked += PgRaw::affected(m_session.exec(
            QStringLiteral("UPDATE %1 x SET %2 = 'deleted-since', %3 = $1 || %4 || $2 WHERE x.%2 IS NULL AND NOT x.%5 AND %6 "
                           "AND EXISTS (SELECT 1 FROM %7 m WHERE %8) AND NOT (%9) AND NOT (%10)")
                .arg(s, kAction, kReason, RestoreSql::keyText(QStringLiteral("x"), edge.columns), kRoot,
                     RestoreSql::notNull(QStringLiteral("x"), edge.columns), sql::quoteIdent(staged(*edge.parent)),
                     RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, QStringLiteral("x"), edge.columns),
                     reachedOtherwise.join(QStringLiteral(" OR ")))
                .arg(parentGone(table, {})),
            {QStringLiteral("deleted since the backup: it is in the closure only through %1 = ").arg(edge.columns.join(QLatin1Char(','))),
             QStringLiteral(" (%1, ON DELETE %2): deleting that row would have emptied the key, not deleted this one, and no parent "
                            "whose deletion deletes it is gone from live")
                 .arg(edge.parent->qualifiedName(), fkActionSql(edge.foreignKey->onDelete).toUpper())}));
    }
    return marked;
}

QString LiveClassifier::movedParents(const Table &, const ClosureBuilder::Edge &edge, const QString &s) const
{
    // Backup values of the edge whose present rows now point elsewhere in live, with where they went.
    return MovedKeys::moves(edge, s, QStringLiteral("s.%1 = 'present'").arg(kAction));
}

QString LiveClassifier::substituted(const Table &table, const ClosureBuilder::Edge &edge, const QString &s) const
{
    // Rows held as deleted-since, as they would have been had the incident moved them like their siblings.
    QStringList columns;
    QStringList match;
    for (const QString &column : m_columns.value(table.qualifiedName())) {
        const qsizetype position = edge.columns.indexOf(column);
        columns << (position < 0 ? QStringLiteral("x.") + sql::quoteIdent(column)
                                 : QStringLiteral("m.\"_salvage_t%1\" AS %2").arg(position).arg(sql::quoteIdent(column)));
    }
    for (qsizetype i = 0; i < edge.columns.size(); ++i)
        match << QStringLiteral("x.%1 = m.\"_salvage_p%2\"").arg(sql::quoteIdent(edge.columns.at(i))).arg(i);
    return QStringLiteral("SELECT %1 FROM %2 x JOIN (%3) m ON %4 WHERE x.%5 = 'deleted-since'")
        .arg(columns.join(QStringLiteral(", ")), s, movedParents(table, edge, s), match.join(QStringLiteral(" AND ")), kAction);
}

qint64 LiveClassifier::markDeletedSince(const Table &table, const QString &s, const QStringList &knownDeleted)
{
    const QStringList &pk = table.primaryKey;
    qint64 marked = 0;
    if (!knownDeleted.isEmpty())
        marked += PgRaw::affected(m_session.exec(
            QStringLiteral("UPDATE %1 s SET %2 = 'deleted-since', %3 = $1 WHERE s.%2 IS NULL AND NOT s.%4 AND %5 = ANY ($2::text[])")
                .arg(s, kAction, kReason, kRoot, RestoreSql::keyText(QStringLiteral("s"), pk)),
            {QStringLiteral("deleted since the backup, as the plan before the run found"), arrayLiteral(knownDeleted)}));
    if (PgRaw::value(m_session.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM %1 WHERE %2 = 'present')").arg(s, kAction)), 0, 0)
        != QLatin1String("t"))
        return marked;

    // A missing row whose siblings (same parent, same foreign key) the incident moved, while it was
    // not moved: held as deleted since the backup ...
    // A row another of whose parents is gone (one whose deletion deletes or needs its children gone)
    // went with that parent: it may well have been moved first.
    const QList<ClosureBuilder::Edge> edges = edgesFrom(table);
    QList<ClosureBuilder::Edge> moved;
    for (const ClosureBuilder::Edge &edge : edges) {
        const qint64 count = update(QStringLiteral("UPDATE %1 x SET %2 = 'deleted-since' WHERE x.%2 IS NULL AND NOT x.%3 AND (%4) IN "
                                                   "(SELECT %5 FROM (%6) m) AND NOT (%7)")
                                        .arg(s, kAction, kRoot, RestoreSql::prefixed(QStringLiteral("x"), edge.columns),
                                             RestoreSql::prefixed(QStringLiteral("m"), parentAliases(edge)), movedParents(table, edge, s),
                                             parentGone(table, edge.columns)));
        if (count > 0)
            moved << edge;
    }
    // ... unless moving it too would have duplicated a unique key live holds: then the move was
    // refused, the row stayed with its parent and went with it; it is restored.
    for (const ClosureBuilder::Edge &edge : std::as_const(moved)) {
        for (const UniqueKey &key : table.uniqueKeys) {
            if (!comparable(key))
                continue;
            update(QStringLiteral("UPDATE %1 x SET %2 = NULL FROM (SELECT DISTINCT %3 FROM (SELECT %4, %5 FROM (%6) y WHERE true%7) a "
                                  "JOIN (SELECT %5 FROM %8 y WHERE true%7) b ON %9) c WHERE %10 AND x.%2 = 'deleted-since'")
                       .arg(s, kAction, RestoreSql::prefixed(QStringLiteral("a"), pk), sql::quoteIdentList(pk), keyElements(key),
                            substituted(table, edge, s), keyPredicate(key), table.sqlName(), keyElementsMatch(key))
                       .arg(RestoreSql::equal(QStringLiteral("x"), QStringLiteral("c"), pk)));
        }
    }
    for (const ClosureBuilder::Edge &edge : std::as_const(moved)) {
        marked += PgRaw::affected(m_session.exec(
            QStringLiteral("UPDATE %1 x SET %2 = concat_ws('; ', x.%2, $1 || %3 || $2) WHERE x.%4 = 'deleted-since' AND (%5) IN "
                           "(SELECT %6 FROM (%7) m)")
                .arg(s, kReason, RestoreSql::keyText(QStringLiteral("x"), edge.columns), kAction,
                     RestoreSql::prefixed(QStringLiteral("x"), edge.columns), RestoreSql::prefixed(QStringLiteral("m"), parentAliases(edge)),
                     movedParents(table, edge, s)),
            {QStringLiteral("deleted since the backup: other rows with %1 = ").arg(edge.columns.join(QLatin1Char(','))),
             QStringLiteral(" were moved elsewhere in live, this one was not moved and is gone")}));
    }
    return marked;
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
            if (parentStaging.isEmpty() || edge.parent == edge.child || edge.columns != QStringList{column.name}
                || edge.parentColumns != edge.parent->primaryKey)
                continue;
            const QString alias = QStringLiteral("m%1").arg(joins.size());
            joins << QStringLiteral("LEFT JOIN %1 %2 ON %2.%3 = 'recreate' AND %2.%4 = l.%5")
                         .arg(sql::quoteIdent(parentStaging), alias, kAction, kLive, sql::quoteIdent(column.name));
            expression = QStringLiteral("coalesce(%1.%2, %3)").arg(alias, sql::quoteIdent(edge.parentColumns.first()), expression);
            break;
        }
        columns << expression + QStringLiteral(" AS ") + sql::quoteIdent(column.name);
    }
    return QStringLiteral("(SELECT %1 FROM %2 l %3)").arg(columns.join(QStringLiteral(", ")), table.sqlName(), joins.join(QLatin1Char(' ')));
}

void LiveClassifier::markCollisions(const Table &table, RestorePolicy policy, const QString &s, const QString &candidates)
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
                         .arg(RestoreSql::prefixed(QStringLiteral("a"), MovedKeys::liveKeyColumns(table.primaryKey)), RestoreSql::prefixed(QStringLiteral("b"), pk));
    }
    for (const UniqueKey &key : std::as_const(keys)) {
        if (!comparable(key))
            continue;
        const QString predicate = keyPredicate(key);
        const QString keyColumns = sql::quoteIdentList(pk);
        const QString candidateRows = QStringLiteral("SELECT %1, %2 FROM %3 x WHERE %4%5")
                                          .arg(rekey ? sql::quoteIdentList(pk + MovedKeys::liveKeyColumns(table.primaryKey)) : keyColumns,
                                               keyElements(key), s, candidates, predicate);
        const QString liveRows = QStringLiteral("SELECT %1, %2 FROM %3 x WHERE true%4")
                                     .arg(keyColumns, keyElements(key), projectedLive(table), predicate);
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
            reason = QStringLiteral("its moved copy stays in live: re-keying it back would duplicate %1 of newer live row ")
                         .arg(key.name.isEmpty() ? QStringLiteral("the primary key") : QStringLiteral("unique key ") + key.name);
        } else if (repoint) {
            action = QStringLiteral("kept-live");
            reason = QStringLiteral("putting its foreign key back would duplicate unique key %1 of newer live row ").arg(key.name);
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
        m_session.exec(QStringLiteral("UPDATE %1 s SET %2 = $1, %3 = c.\"_salvage_l\", %4 = concat_ws('; ', s.%4, $2 || c.\"_salvage_lkey\") "
                                      "FROM (SELECT DISTINCT ON (%5) %6, %7 AS \"_salvage_l\", %8 AS \"_salvage_lkey\" "
                                      "FROM (%9) a JOIN (%10) b ON %11 WHERE (%5) IS DISTINCT FROM (%12) ORDER BY %5, %12) c "
                                      "WHERE %13 AND s.%14")
                           .arg(s, kAction, kLive, kReason, RestoreSql::prefixed(QStringLiteral("a"), pk), keyAliases.join(QStringLiteral(", ")),
                                liveKey, RestoreSql::keyText(QStringLiteral("b"), pk), candidateRows)
                           .arg(liveRows, keyElementsMatch(key) + notItsCopy, RestoreSql::prefixed(QStringLiteral("b"), pk),
                                keyMatch.join(QStringLiteral(" AND ")), candidates),
                       {action, reason});
    }
}

qint64 LiveClassifier::foreignKeyUpdates(const ClosureBuilder::Edge &edge, bool backEdge) const
{
    const Table &table = *edge.child;
    const QString s = sql::quoteIdent(staged(table));
    const QString insertRows = backEdge ? QStringLiteral(" OR s.%1 IN ('insert', 'recreate')").arg(kAction) : QString();
    // A key ON UPDATE CASCADE to a moved copy the plan re-keys is put back by that statement.
    const QString cascaded = m_movedKeys ? m_movedKeys->cascadesBack(edge, QStringLiteral("s"), QStringLiteral("l"), edge.columns)
                                         : QStringLiteral("false");
    const auto result = m_session.exec(
        QStringLiteral("SELECT count(*) FROM %1 s LEFT JOIN %2 l ON %3 WHERE %4 AND %5 AND "
                       "((s.%6 = 'repoint' AND (%7) IS DISTINCT FROM (%8) AND NOT %10)%9)")
            .arg(s, table.sqlName(), RestoreSql::equal(QStringLiteral("s"), table.primaryKey, QStringLiteral("l"), table.primaryKey),
                 RestoreSql::notNull(QStringLiteral("s"), edge.columns), parentAvailable(edge, QStringLiteral("s"), false), kAction,
                 RestoreSql::prefixed(QStringLiteral("s"), edge.columns), RestoreSql::prefixed(QStringLiteral("l"), edge.columns), insertRows)
            .arg(cascaded));
    return PgRaw::value(result, 0, 0).toLongLong();
}

} // namespace salvage
