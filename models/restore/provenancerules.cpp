#include "restore/provenancerules.h"

#include "db/arrayliteral.h"
#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/movedkeys.h"
#include "restore/restoresql.h"
#include "restore/rowaction.h"
#include "restore/stagingcolumns.h"

#include <algorithm>

namespace salvage {

namespace {

/// Deleting the parent only empties the key: the row itself stays.
bool nullsOnDelete(const ClosureBuilder::Edge &edge)
{
    return edge.foreignKey
        && (edge.foreignKey->onDelete == FkAction::SetNull || edge.foreignKey->onDelete == FkAction::SetDefault);
}

} // namespace

ProvenanceRules::ProvenanceRules(const PgRaw &session, const QHash<QString, QString> &staging,
    const QHash<QString, QStringList> &columns, const QList<ClosureBuilder::Edge> &edges, const MovedKeys *movedKeys)
    : m_session(session)
    , m_staging(staging)
    , m_columns(columns)
    , m_edges(edges)
    , m_movedKeys(movedKeys)
{
}

qint64 ProvenanceRules::update(const QString &sql) const
{
    return PgRaw::affected(m_session.exec(sql));
}

qint64 ProvenanceRules::wakeWaiting(const Table &table, const QString &s) const
{
    if (!m_waited.contains(s)) // no row of it ever waited: no pass over it
        return 0;
    QStringList incident { QStringLiteral("false") };
    for (const ClosureBuilder::Edge &edge : takingEdges(table))
        incident << QStringLiteral("(%1 AND %2)")
                        .arg(RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                            incidentParent(edge, QStringLiteral("x"), false));
    return update(QStringLiteral("UPDATE %1 x SET %2 = NULL WHERE %3 AND (%4)")
                      .arg(s, StagingColumn::action(), rowActionIs(QStringLiteral("x"), RowAction::Waiting),
                          incident.join(QStringLiteral(" OR "))));
}

void ProvenanceRules::keepWaitingDeleted(const Table &, const QString &s) const
{
    if (!m_waited.contains(s))
        return;
    m_session.exec(QStringLiteral("UPDATE %1 SET %2, %3 = $1 WHERE %4")
                       .arg(s, rowActionIs(QString(), RowAction::DeletedSince), StagingColumn::reason(),
                           rowActionIs(QString(), RowAction::Waiting)),
        { QStringLiteral(
            "deleted since the backup: no parent it had in the backup is a root or restored, so the incident did not "
            "take it") });
}

QStringList ProvenanceRules::incidentSources(
    const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const
{
    // The parent is a root or a row the plan restores (or, while its own table is being decided,
    // not yet decided): what the incident did to it, the plan undoes.
    const QString parentStaging = staged(*edge.parent);
    if (parentStaging.isEmpty())
        return {};
    // Only a row of the same table can still be undecided for a good reason (a self-reference is
    // decided in passes); a parent table decided later, in a cycle, proves nothing yet.
    const QString pending = pendingCounts && edge.parent == edge.child
        ? QStringLiteral(" OR m.%1 IS NULL").arg(StagingColumn::action())
        : QString();
    QStringList sources { QStringLiteral("EXISTS (SELECT 1 FROM %1 m WHERE %2 AND (m.%3 OR %4%5))")
                              .arg(sql::quoteIdent(parentStaging),
                                  RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, alias, edge.columns),
                                  StagingColumn::root(), rowActionIn(QStringLiteral("m"), restoredRowActions()),
                                  pending) };
    // A row mapped onto its live entity (keep-live) had its children pointed at that live row.
    if (edge.columns.size() == 1 && edge.parentColumns == edge.parent->primaryKey)
        sources << QStringLiteral("EXISTS (SELECT 1 FROM %1 m WHERE %2 AND m.%3 = %4.%5)")
                       .arg(sql::quoteIdent(parentStaging), rowActionIs(QStringLiteral("m"), RowAction::Mapped),
                           StagingColumn::live(), alias, sql::quoteIdent(edge.columns.first()));
    return sources;
}

QString ProvenanceRules::incidentParent(
    const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const
{
    const QStringList sources = incidentSources(edge, alias, pendingCounts);
    return sources.isEmpty() ? QStringLiteral("false")
                             : QLatin1Char('(') + sources.join(QStringLiteral(" OR ")) + QLatin1Char(')');
}

QString ProvenanceRules::noIncidentParent(
    const QList<ClosureBuilder::Edge> &edges, const QString &alias, bool pendingCounts) const
{
    // NOT of "(edge columns NOT NULL AND incidentParent) OR …" over the links: each EXISTS compares
    // every edge column with "=", so a NULL makes it false and the NOT NULL test adds nothing.
    // Spelled as NOT EXISTS … AND NOT EXISTS … so that PostgreSQL takes them as anti-joins over
    // the whole staging table rather than one lookup per row.
    QStringList absent { QStringLiteral("true") };
    for (const ClosureBuilder::Edge &edge : edges)
        for (const QString &source : incidentSources(edge, alias, pendingCounts))
            absent << QStringLiteral("NOT ") + source;
    return QLatin1Char('(') + absent.join(QStringLiteral(" AND ")) + QLatin1Char(')');
}

QList<ClosureBuilder::Edge> ProvenanceRules::takingEdges(const Table &table) const
{
    // Deleting the parent through such a link deletes the row or needs it gone first; a link ON
    // DELETE SET NULL/DEFAULT would only have emptied the key.
    QList<ClosureBuilder::Edge> result;
    for (const ClosureBuilder::Edge &edge : ClosureBuilder::edgesFrom(m_edges, table))
        if (!nullsOnDelete(edge) && !staged(*edge.parent).isEmpty())
            result.append(edge);
    return result;
}

bool ProvenanceRules::repointedByIncident(const Table &table, const ClosureBuilder::Edge &edge, const QString &s)
{
    const QString cached
        = QStringLiteral("%1|%2|%3")
              .arg(table.qualifiedName(), edge.columns.join(QLatin1Char(',')), edge.parent->qualifiedName());
    if (const auto found = m_repointed.constFind(cached); found != m_repointed.constEnd())
        return *found;
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
        sql = QStringLiteral("SELECT EXISTS (SELECT 1 FROM %1 s WHERE %2 AND (%3) IS DISTINCT FROM (%4))")
                  .arg(s, rowActionIn(QStringLiteral("s"), { RowAction::Rekey, RowAction::Follows }),
                      RestoreSql::prefixed(QStringLiteral("s"), edge.columns),
                      RestoreSql::prefixed(QStringLiteral("s"), copyColumns));
    } else {
        sql = QStringLiteral("SELECT EXISTS (SELECT 1 FROM %1 s JOIN %2 l ON %3 WHERE %4 AND %5 AND (%6) "
                             "IS DISTINCT FROM (%7) "
                             "AND %8)")
                  .arg(s, table.sqlName(), RestoreSql::equal(QStringLiteral("s"), pk, QStringLiteral("l"), pk),
                      rowActionIs(QStringLiteral("s"), RowAction::Present),
                      RestoreSql::notNull(QStringLiteral("s"), edge.columns),
                      RestoreSql::prefixed(QStringLiteral("s"), edge.columns),
                      RestoreSql::prefixed(QStringLiteral("l"), edge.columns),
                      incidentParent(edge, QStringLiteral("s"), false));
    }
    const bool repointed = PgRaw::value(m_session.exec(sql), 0, 0) == QLatin1String("t");
    m_repointed.insert(cached, repointed);
    return repointed;
}

qint64 ProvenanceRules::markKnownDeleted(const Table &table, const QString &s, const QStringList &knownDeleted) const
{
    if (knownDeleted.isEmpty())
        return 0;
    return PgRaw::affected(m_session.exec(
        QStringLiteral("UPDATE %1 s SET %2 = %6, %3 = $1 WHERE s.%2 IS NULL AND NOT s.%4 AND %5 = ANY ($2::text[])")
            .arg(s, StagingColumn::action(), StagingColumn::reason(), StagingColumn::root(),
                RestoreSql::keyText(QStringLiteral("s"), table.primaryKey), rowActionSql(RowAction::DeletedSince)),
        { QStringLiteral("deleted since the backup, as the plan before the run found"), arrayLiteral(knownDeleted) }));
}

qint64 ProvenanceRules::markWithDeletedParents(const Table &table, const QString &s) const
{
    // A parent life deleted since the backup took this row along (or needed it gone first).
    qint64 marked = 0;
    for (const ClosureBuilder::Edge &edge : takingEdges(table)) {
        marked += PgRaw::affected(m_session.exec(
            QStringLiteral("UPDATE %1 x SET %2 = %9, %3 = $1 || %4 || $2 WHERE x.%2 IS NULL AND NOT x.%5 AND %6 "
                           "AND EXISTS (SELECT 1 FROM %7 m WHERE %8 AND %10)")
                .arg(s, StagingColumn::action(), StagingColumn::reason(),
                    RestoreSql::keyText(QStringLiteral("x"), edge.columns), StagingColumn::root(),
                    RestoreSql::notNull(QStringLiteral("x"), edge.columns), sql::quoteIdent(staged(*edge.parent)),
                    RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, QStringLiteral("x"), edge.columns),
                    rowActionSql(RowAction::DeletedSince),
                    rowActionIn(QStringLiteral("m"), { RowAction::DeletedSince, RowAction::Cascade })),
            { QStringLiteral("deleted since the backup with its parent %1 (%2 = ")
                    .arg(edge.parent->qualifiedName(), edge.columns.join(QLatin1Char(','))),
                QStringLiteral("), which is not restored") }));
    }
    return marked;
}

QList<ProvenanceRules::Decision> ProvenanceRules::untakenDecisions(
    const Table &table, const QList<ClosureBuilder::Edge> &edges) const
{
    QList<Decision> decisions;
    // In the closure only through keys ON DELETE SET NULL: deleting such a parent would have emptied
    // the key, not deleted the row.
    for (const ClosureBuilder::Edge &edge : ClosureBuilder::edgesFrom(m_edges, table)) {
        if (!nullsOnDelete(edge) || staged(*edge.parent).isEmpty())
            continue;
        decisions.append({ QStringLiteral("%1 AND (%2) IN (SELECT %3 FROM %4 m)")
                               .arg(RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                                   RestoreSql::prefixed(QStringLiteral("x"), edge.columns),
                                   RestoreSql::prefixed(QStringLiteral("m"), edge.parentColumns),
                                   sql::quoteIdent(staged(*edge.parent))),
            RowAction::DeletedSince,
            QStringLiteral("{0} || %1 || {1}").arg(RestoreSql::keyText(QStringLiteral("x"), edge.columns)),
            { QStringLiteral("deleted since the backup: it is in the closure only through %1 = ")
                    .arg(edge.columns.join(QLatin1Char(','))),
                QStringLiteral(
                    " (%1, ON DELETE %2): deleting that row would have emptied the key, not deleted this one")
                    .arg(edge.parent->qualifiedName(), fkActionSql(edge.foreignKey->onDelete).toUpper()) } });
    }
    // A parent in a table decided later (a cycle) may yet be restored: the row waits for it (settle()).
    QStringList waiting;
    for (const ClosureBuilder::Edge &edge : edges)
        if (edge.parent != edge.child)
            waiting << QStringLiteral("(%1 AND (%2) IN (SELECT %3 FROM %4 m WHERE m.%5 IS NULL OR %6))")
                           .arg(RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                               RestoreSql::prefixed(QStringLiteral("x"), edge.columns),
                               RestoreSql::prefixed(QStringLiteral("m"), edge.parentColumns),
                               sql::quoteIdent(staged(*edge.parent)), StagingColumn::action(),
                               rowActionIs(QStringLiteral("m"), RowAction::Waiting));
    if (!waiting.isEmpty())
        decisions.append({ waiting.join(QStringLiteral(" OR ")), RowAction::Waiting, QString(), {} });
    // No parent of it is a root or restored: every parent it had in the backup is still in live,
    // so life deleted it.
    decisions.append({ QStringLiteral("true"), RowAction::DeletedSince, QStringLiteral("{0}"),
        { QStringLiteral(
            "deleted since the backup: no parent it had in the backup is a root or restored (they are in live, or "
            "life deleted them), so the incident did not take it") } });
    return decisions;
}

qint64 ProvenanceRules::decideUntaken(
    const Table &table, const QString &s, const QList<ClosureBuilder::Edge> &edges, const QString &untaken)
{
    const QList<Decision> decisions = untakenDecisions(table, edges);
    // "{n}" in a reason is its n-th parameter, numbered from `first` in the statement.
    const auto reasonSql = [](const Decision &decision, int first) {
        QString sql = decision.reason;
        for (qsizetype i = 0; i < decision.parameters.size(); ++i)
            sql.replace(QStringLiteral("{%1}").arg(i), QStringLiteral("$%1").arg(first + i));
        return sql;
    };
    const bool selfTaking = std::any_of(
        edges.cbegin(), edges.cend(), [](const ClosureBuilder::Edge &edge) { return edge.parent == edge.child; });
    qint64 marked = 0;
    if (selfTaking) {
        // A row decided here changes what its children in the same table see (their parent is no
        // longer undecided): one statement per decision, in order, each seeing the ones before.
        for (const Decision &decision : decisions) {
            const QString reason = decision.reason.isEmpty()
                ? QString()
                : QStringLiteral(", %1 = %2").arg(StagingColumn::reason(), reasonSql(decision, 1));
            const qint64 rows = PgRaw::affected(m_session.exec(
                QStringLiteral("UPDATE %1 x SET %2%3 WHERE %4 AND %5")
                    .arg(s, rowActionIs(QString(), decision.action), reason, untaken, decision.condition),
                decision.parameters));
            if (decision.action == RowAction::DeletedSince)
                marked += rows;
            else if (rows > 0)
                m_waited.insert(s);
        }
        return marked;
    }
    // Otherwise no decision changes what another one reads (the parents are other tables' rows, or
    // staged keys whatever their action): one pass, each row taking the first decision that holds,
    // as the statements in turn would have. Conditions are hashed IN lists, not a lookup per row.
    QStringList actions;
    QStringList reasons;
    QStringList parameters;
    for (const Decision &decision : decisions) {
        actions << QStringLiteral("WHEN %1 THEN %2").arg(decision.condition, rowActionSql(decision.action));
        reasons << QStringLiteral("WHEN %1 THEN %2")
                       .arg(decision.condition,
                           decision.reason.isEmpty() ? QStringLiteral("x.") + StagingColumn::reason()
                                                     : reasonSql(decision, int(parameters.size()) + 1));
        parameters << decision.parameters;
    }
    const auto counted = m_session.exec(
        QStringLiteral("WITH d AS (UPDATE %1 x SET %2 = CASE %3 END, %4 = CASE %5 END WHERE %6 RETURNING x.%2) "
                       "SELECT count(*) FILTER (WHERE %7), count(*) FILTER (WHERE %8) FROM d")
            .arg(s, StagingColumn::action(), actions.join(QLatin1Char(' ')), StagingColumn::reason(),
                reasons.join(QLatin1Char(' ')), untaken, rowActionIs(QString(), RowAction::DeletedSince),
                rowActionIs(QString(), RowAction::Waiting)),
        parameters);
    if (PgRaw::value(counted, 0, 1).toLongLong() > 0)
        m_waited.insert(s);
    return PgRaw::value(counted, 0, 0).toLongLong();
}

qint64 ProvenanceRules::markByProvenance(const Table &table, const QString &s, const QString &rule)
{
    // A missing row comes back only when the incident deleted it. Rows the operator chose (roots)
    // always do.
    const QList<ClosureBuilder::Edge> edges = takingEdges(table);
    const QString undecided
        = QStringLiteral("x.%1 IS NULL AND NOT x.%2").arg(StagingColumn::action(), StagingColumn::root());
    // No parent of it is a root or restored (nor, in the same table, undecided).
    const QString noIncident = noIncidentParent(edges, QStringLiteral("x"), true);
    qint64 marked = decideUntaken(table, s, edges, undecided + QStringLiteral(" AND ") + noIncident);

    // It went with a root or restored parent through a link the incident did not re-point in this
    // table (a cascade, or deleted so that the parent could go): restored. Through a link the
    // incident did re-point, it was either skipped by the incident or already gone.
    QList<ClosureBuilder::Edge> repointed;
    QList<ClosureBuilder::Edge> notRepointed;
    for (const ClosureBuilder::Edge &edge : edges)
        (repointedByIncident(table, edge, s) ? repointed : notRepointed) << edge;
    if (repointed.isEmpty())
        return marked;
    update(QStringLiteral("UPDATE %1 x SET %2 WHERE %3 AND %4")
               .arg(s, rowActionIs(QString(), RowAction::Unexplained), undecided,
                   noIncidentParent(notRepointed, QStringLiteral("x"), true)));
    for (const ClosureBuilder::Edge &edge : std::as_const(repointed))
        markSkippedByIncident(table, edge, s, rule);
    marked += PgRaw::affected(m_session.exec(
        QStringLiteral("UPDATE %1 x SET %2, %3 = $1 WHERE %4")
            .arg(s, rowActionIs(QString(), RowAction::DeletedSince), StagingColumn::reason(),
                rowActionIs(QStringLiteral("x"), RowAction::Unexplained)),
        { QStringLiteral(
            "deleted since the backup: the incident re-pointed such rows of its parent, and re-pointing this one would "
            "have broken no key or rule, so it was gone before the incident ran") }));
    return marked;
}

QString ProvenanceRules::beforeIncident(const Table &table, const QString &s) const
{
    // The table as the incident found it, as far as the plan knows: live, and the rows the plan
    // brings back (or puts back) as BACKUP had them.
    const QStringList columns = m_columns.value(table.qualifiedName());
    return QStringLiteral("(SELECT %1 FROM %2 l UNION ALL SELECT %3 FROM %4 b WHERE b.%5 IS NULL OR %6)")
        .arg(sql::quoteIdentList(columns), table.sqlName(), RestoreSql::prefixed(QStringLiteral("b"), columns), s,
            StagingColumn::action(), rowActionIn(QStringLiteral("b"), restoredRowActions() << RowAction::Repoint));
}

QString ProvenanceRules::substituted(
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
        match
            << QStringLiteral("x.%1 = m.\"_salvage_p%2\"").arg(sql::quoteIdent(edge.columns.at(i)), QString::number(i));
    // The row's own key, apart from the substituted columns (the key may hold them).
    for (qsizetype i = 0; i < table.primaryKey.size(); ++i)
        columns << QStringLiteral("x.%1 AS \"_salvage_k%2\"")
                       .arg(sql::quoteIdent(table.primaryKey.at(i)), QString::number(i));
    return QStringLiteral("SELECT %1 FROM %2 x JOIN (%3) m ON %4 WHERE %5")
        .arg(columns.join(QStringLiteral(", ")), s, targets, match.join(QStringLiteral(" AND ")),
            rowActionIs(QStringLiteral("x"), RowAction::Unexplained));
}

void ProvenanceRules::markSkippedByIncident(
    const Table &table, const ClosureBuilder::Edge &edge, const QString &s, const QString &rule) const
{
    const QStringList &pk = table.primaryKey;
    const QString targets = m_movedKeys ? m_movedKeys->targets(edge) : QString();
    QStringList ownKey;
    QStringList ownKeyMatch;
    for (qsizetype i = 0; i < pk.size(); ++i) {
        ownKey << QStringLiteral("\"_salvage_k%1\"").arg(i);
        ownKeyMatch << QStringLiteral("x.%1 = c.\"_salvage_k%2\"").arg(sql::quoteIdent(pk.at(i)), QString::number(i));
    }
    const auto restore = [&](const QString &candidates) {
        return QStringLiteral("UPDATE %1 x SET %2 = NULL FROM (%3) c WHERE %5 AND %4")
            .arg(s, StagingColumn::action(), candidates, ownKeyMatch.join(QStringLiteral(" AND ")),
                rowActionIs(QStringLiteral("x"), RowAction::Unexplained));
    };
    QStringList parentMatch;
    for (qsizetype i = 0; i < edge.columns.size(); ++i)
        parentMatch
            << QStringLiteral("x.%1 = m.\"_salvage_p%2\"").arg(sql::quoteIdent(edge.columns.at(i)), QString::number(i));
    // The incident moved none of this parent's rows anywhere: nothing was re-pointed for it, the
    // row went with its parent.
    update(
        QStringLiteral("UPDATE %1 x SET %2 = NULL WHERE %7 AND %3 AND %4 AND NOT EXISTS (SELECT 1 FROM (%5) m "
                       "WHERE %6)")
            .arg(s, StagingColumn::action(), RestoreSql::notNull(QStringLiteral("x"), edge.columns),
                incidentParent(edge, QStringLiteral("x"), true),
                targets.isEmpty() ? QStringLiteral("SELECT NULL AS \"_salvage_p0\" WHERE false") : targets,
                parentMatch.join(QStringLiteral(" AND ")), rowActionIs(QStringLiteral("x"), RowAction::Unexplained)));
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
    update(restore(QStringLiteral(
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
        if (!RestoreSql::comparable(key))
            continue;
        update(restore(QStringLiteral("SELECT DISTINCT %1 FROM (SELECT %2, %3 FROM (%4) y WHERE true%5) a "
                                      "JOIN (SELECT %3 FROM %6 y WHERE true%5) b ON %7")
                           .arg(keys, keys, RestoreSql::keyElements(key), sub, RestoreSql::keyPredicate(key),
                               beforeIncident(table, s), RestoreSql::keyElementsMatch(key))));
    }

    // It would have referenced the target from two links at once (a self-follow).
    for (const ClosureBuilder::Edge &other : ClosureBuilder::edgesFrom(m_edges, table)) {
        if (other.columns == edge.columns || other.parent != edge.parent || other.parentColumns != edge.parentColumns)
            continue;
        update(restore(QStringLiteral("SELECT DISTINCT %1 FROM (%2) y WHERE (%3) = (%4)")
                           .arg(keys, sub, RestoreSql::prefixed(QStringLiteral("y"), other.columns),
                               RestoreSql::prefixed(QStringLiteral("y"), edge.columns))));
    }

    // It would have broken a rule the application checks in code.
    if (!rule.isEmpty())
        update(restore(
            QStringLiteral("SELECT DISTINCT %1 FROM (%2) y WHERE NOT coalesce((%3), true)").arg(keys, sub, rule)));
}

} // namespace salvage
