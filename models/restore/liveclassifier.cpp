#include "restore/liveclassifier.h"

#include "db/sqlident.h"
#include "db/pgraw.h"
#include "restore/restoresql.h"

namespace salvage {

namespace {

const QString kAction = QStringLiteral("\"_salvage_action\"");
const QString kLive = QStringLiteral("\"_salvage_live\"");
const QString kReason = QStringLiteral("\"_salvage_reason\"");





} // namespace

LiveClassifier::LiveClassifier(const Schema &live, const PgRaw &session, const QHash<QString, QString> &staging,
                               const QList<ClosureBuilder::Edge> &edges)
    : m_schema(live), m_session(session), m_staging(staging), m_edges(edges)
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
        condition += QStringLiteral(" OR EXISTS (SELECT 1 FROM %1 m WHERE %2 AND (m.%3 IN ('insert', 'recreate')%4))")
                         .arg(sql::quoteIdent(parentStaging), RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, alias, edge.columns),
                              kAction, pending);
    }
    return QLatin1Char('(') + condition + QLatin1Char(')');
}

void LiveClassifier::classify(const Table &table, RestorePolicy policy)
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
    markParents(table, s);
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
            FkAction onDelete = FkAction::NoAction;
            QStringList setNull = edge.columns;
            for (const ForeignKey &key : table.foreignKeys) {
                if (key.columns == edge.columns && key.refTable == edge.parent->name && key.refSchema == edge.parent->schema) {
                    onDelete = key.onDelete;
                    if (!key.setNullColumns.isEmpty())
                        setNull = key.setNullColumns;
                }
            }
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
    const bool repoint = candidates.contains(QLatin1String("'repoint'"));
    for (const UniqueKey &key : table.uniqueKeys) {
        if (!key.valid || key.elements.isEmpty() || key.elements.contains(QString()))
            continue;
        QStringList elements;
        QStringList match;
        for (qsizetype i = 0; i < key.elements.size(); ++i) {
            elements << QStringLiteral("(%1) AS \"_salvage_e%2\"").arg(key.elements.at(i)).arg(i);
            match << (key.nullsNotDistinct ? QStringLiteral("a.\"_salvage_e%1\" IS NOT DISTINCT FROM b.\"_salvage_e%1\"")
                                           : QStringLiteral("a.\"_salvage_e%1\" = b.\"_salvage_e%1\""))
                         .arg(i);
        }
        const QString predicate = key.partial ? QStringLiteral(" AND (%1)").arg(key.predicate) : QString();
        const QString keyColumns = sql::quoteIdentList(pk);
        const QString candidateRows = QStringLiteral("SELECT %1, %2 FROM %3 x WHERE %4%5")
                                          .arg(keyColumns, elements.join(QStringLiteral(", ")), s, candidates, predicate);
        const QString liveRows = QStringLiteral("SELECT %1, %2 FROM %3 x WHERE true%4")
                                     .arg(keyColumns, elements.join(QStringLiteral(", ")), projectedLive(table), predicate);
        QStringList keyAliases;
        for (qsizetype i = 0; i < pk.size(); ++i)
            keyAliases << QStringLiteral("a.%1 AS \"_salvage_k%2\"").arg(sql::quoteIdent(pk.at(i))).arg(i);
        QStringList keyMatch;
        for (qsizetype i = 0; i < pk.size(); ++i)
            keyMatch << QStringLiteral("s.%1 = c.\"_salvage_k%2\"").arg(sql::quoteIdent(pk.at(i))).arg(i);

        QString action;
        QString reason;
        const bool singleKey = pk.size() == 1;
        if (repoint) {
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
                           .arg(liveRows, match.join(QStringLiteral(" AND ")), RestoreSql::prefixed(QStringLiteral("b"), pk),
                                keyMatch.join(QStringLiteral(" AND ")), candidates),
                       {action, reason});
    }
}

qint64 LiveClassifier::foreignKeyUpdates(const ClosureBuilder::Edge &edge, bool backEdge) const
{
    const Table &table = *edge.child;
    const QString s = sql::quoteIdent(staged(table));
    const QString insertRows = backEdge ? QStringLiteral(" OR s.%1 = 'insert'").arg(kAction) : QString();
    const auto result = m_session.exec(
        QStringLiteral("SELECT count(*) FROM %1 s LEFT JOIN %2 l ON %3 WHERE %4 AND %5 AND "
                       "((s.%6 = 'repoint' AND (%7) IS DISTINCT FROM (%8))%9)")
            .arg(s, table.sqlName(), RestoreSql::equal(QStringLiteral("s"), table.primaryKey, QStringLiteral("l"), table.primaryKey),
                 RestoreSql::notNull(QStringLiteral("s"), edge.columns), parentAvailable(edge, QStringLiteral("s"), false), kAction,
                 RestoreSql::prefixed(QStringLiteral("s"), edge.columns), RestoreSql::prefixed(QStringLiteral("l"), edge.columns), insertRows));
    return PgRaw::value(result, 0, 0).toLongLong();
}

} // namespace salvage
