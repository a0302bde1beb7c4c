#include "restore/liveclassifier.h"

#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/exclusionconflicts.h"
#include "restore/movedkeys.h"
#include "restore/restoresql.h"
#include "restore/stagingcolumns.h"

#include <algorithm>
#include <optional>

namespace salvage {

LiveClassifier::LiveClassifier(const Schema &live, const PgRaw &session, const QHash<QString, QString> &staging,
    const QHash<QString, QStringList> &columns, const QList<ClosureBuilder::Edge> &edges, const MovedKeys *movedKeys)
    : m_schema(live)
    , m_session(session)
    , m_staging(staging)
    , m_columns(columns)
    , m_edges(edges)
    , m_movedKeys(movedKeys)
    , m_provenance(session, staging, columns, edges, movedKeys)
{
}

qint64 LiveClassifier::update(const QString &sql) const
{
    return PgRaw::affected(m_session.exec(sql));
}

qint64 LiveClassifier::insertUndecided(const QString &s) const
{
    // Every other decision is taken: a row still undecided is the incident's doing and goes back in.
    return update(QStringLiteral("UPDATE %1 SET %2 WHERE %3 IS NULL")
                      .arg(s, rowActionIs(QString(), RowAction::Insert), StagingColumn::action()));
}

QString LiveClassifier::stagedParentCounts(bool pendingCounts) const
{
    // Undecided, or waiting for its own parent in a cycle.
    const QString pending = pendingCounts
        ? QStringLiteral(" OR m.%1 IS NULL OR %2")
              .arg(StagingColumn::action(), rowActionIs(QStringLiteral("m"), RowAction::Waiting))
        : QString();
    return QStringLiteral("(%1%2)").arg(rowActionIn(QStringLiteral("m"), restoredRowActions()), pending);
}

QStringList LiveClassifier::parentSources(
    const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const
{
    QStringList sources { QStringLiteral("EXISTS (SELECT 1 FROM %1 p WHERE %2)")
                              .arg(edge.parent->sqlName(),
                                  RestoreSql::equal(QStringLiteral("p"), edge.parentColumns, alias, edge.columns)) };
    const QString parentStaging = staged(*edge.parent);
    if (!parentStaging.isEmpty())
        sources << QStringLiteral("EXISTS (SELECT 1 FROM %1 m WHERE %2 AND %3)")
                       .arg(sql::quoteIdent(parentStaging),
                           RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, alias, edge.columns),
                           stagedParentCounts(pendingCounts));
    return sources;
}

bool LiveClassifier::probesOwnStaging(const ClosureBuilder::Edge &edge) const
{
    QStringList parentColumns = edge.parentColumns;
    QStringList primaryKey = edge.parent->primaryKey;
    parentColumns.sort();
    primaryKey.sort();
    return edge.parent == edge.child && !primaryKey.isEmpty() && parentColumns == primaryKey
        && !staged(*edge.parent).isEmpty();
}

QString LiveClassifier::parentAvailable(
    const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const
{
    return QLatin1Char('(') + parentSources(edge, alias, pendingCounts).join(QStringLiteral(" OR ")) + QLatin1Char(')');
}

QString LiveClassifier::parentMissing(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const
{
    // NOT (EXISTS … OR EXISTS …) as NOT EXISTS … AND NOT EXISTS …: the same rows, but PostgreSQL
    // turns these into anti-joins (a hash or a merge over the whole set), where an OR leaves a
    // lookup per row, a million index probes into LIVE's parent table.
    QStringList sources = parentSources(edge, alias, pendingCounts);
    if (probesOwnStaging(edge)) {
        // A self-reference's parent is a row of this same staging table. As an anti-join,
        // PostgreSQL (15) hashes the inner side, the whole table, to look up the rows that have a
        // parent (a tenth of them in the benchmark: 1.6 s of a 2.0 s pass on a million rows). By
        // the primary key at most one row matches, so a lookup per row through the staging
        // table's key index says the same (no row: coalesce's false, as NOT EXISTS), 0.7 s.
        sources.last() = QStringLiteral("coalesce((SELECT %1 FROM %2 m WHERE %3), false)")
                             .arg(stagedParentCounts(pendingCounts), sql::quoteIdent(staged(*edge.parent)),
                                 RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, alias, edge.columns));
    }
    return QStringLiteral("(NOT ") + sources.join(QStringLiteral(" AND NOT ")) + QLatin1Char(')');
}

void LiveClassifier::classify(const Table &table, RestorePolicy policy, bool keepDeleted,
    const QStringList &knownDeleted, const QString &rule, bool policyChosen)
{
    const QString s = sql::quoteIdent(staged(table));
    const QStringList &pk = table.primaryKey;
    m_provenance.forgetRepointing(); // the tables decided before this one changed what it sees

    // Children of rows mapped onto a live row (keep-live) point at that live row.
    for (const ClosureBuilder::Edge &edge : ClosureBuilder::edgesFrom(m_edges, table)) {
        const QString parentStaging = staged(*edge.parent);
        if (parentStaging.isEmpty() || edge.parent == edge.child || edge.columns.size() != 1
            || edge.parentColumns != edge.parent->primaryKey)
            continue;
        update(
            QStringLiteral("UPDATE %1 s SET %2 = m.%3 FROM %4 m WHERE %5 AND s.%2 = m.%6")
                .arg(s, sql::quoteIdent(edge.columns.first()), StagingColumn::live(), sql::quoteIdent(parentStaging),
                    rowActionIs(QStringLiteral("m"), RowAction::Mapped), sql::quoteIdent(edge.parentColumns.first())));
    }

    update(QStringLiteral("UPDATE %1 s SET %2 FROM %3 l WHERE %4")
               .arg(s, rowActionIs(QString(), RowAction::Present), table.sqlName(),
                   RestoreSql::equal(QStringLiteral("s"), pk, QStringLiteral("l"), pk)));
    // A missing row whose moved copy (a new key) is in live: the incident re-keyed it, the copy comes back.
    const qint64 copies = m_movedKeys ? m_movedKeys->find(table) : 0;
    if (keepDeleted)
        m_provenance.markKnownDeleted(table, s, knownDeleted);
    bool selfReferencing = false;
    for (const ClosureBuilder::Edge &edge : ClosureBuilder::edgesFrom(m_edges, table))
        selfReferencing = selfReferencing || edge.parent == edge.child;
    // A self-reference makes a row's fate depend on rows of the same table: repeat to a fixed point.
    for (int pass = 0; pass < 10000; ++pass) {
        qint64 changed = keepDeleted ? m_provenance.markWithDeletedParents(table, s) : 0;
        changed += markParents(table, s);
        if (keepDeleted)
            changed += m_provenance.markByProvenance(table, s, rule);
        if (!selfReferencing || changed == 0)
            break;
    }
    markCollisions(table, policy, s, std::nullopt, policyChosen);
    insertUndecided(s);
    markPutBack(table, s);
    markCollisions(table, policy, s, RowAction::Repoint);
    if (copies > 0) {
        markCollisions(table, policy, s, RowAction::Rekey);
        keepCopiesOfPresentRows(table, s);
    }
    analyze(s);
}

void LiveClassifier::analyze(const QString &s) const
{
    // The statistics taken when the table was staged say every row is undecided: later statements
    // that pick rows by their action (other tables' decisions, counts, the script's data) would be
    // planned for none of them, nested loops over a million.
    m_session.exec(QStringLiteral("ANALYZE %1").arg(s));
}

QList<PlanListing> LiveClassifier::lostDependants(const Table &table) const
{
    // A restored parent whose backup dependant the plan skips (its unique key is someone else's now)
    // comes back without it: a finding before the run, not an orphan after it.
    QList<PlanListing> findings;
    const QString s = sql::quoteIdent(staged(table));
    for (const ClosureBuilder::Edge &edge : ClosureBuilder::edgesFrom(m_edges, table)) {
        if (edge.parent == edge.child || staged(*edge.parent).isEmpty())
            continue;
        const auto rows = m_session.exec(
            QStringLiteral("SELECT %1, %2, x.%3 FROM %4 x JOIN %5 m ON %6 WHERE %7 AND %8 ORDER BY 1, 2 LIMIT 10000")
                .arg(RestoreSql::keyText(QStringLiteral("m"), edge.parent->primaryKey),
                    RestoreSql::keyText(QStringLiteral("x"), table.primaryKey), StagingColumn::reason(), s,
                    sql::quoteIdent(staged(*edge.parent)),
                    RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, QStringLiteral("x"), edge.columns),
                    rowActionIs(QStringLiteral("x"), RowAction::Skipped),
                    rowActionIn(QStringLiteral("m"), { RowAction::Insert, RowAction::Recreate })));
        for (int row = 0; row < PgRaw::rows(rows); ++row) {
            const QString reason = PgRaw::value(rows, row, 2);
            // An exclusion conflict has no live row to merge with or map onto: only the skip is left.
            const QString choices = ExclusionConflicts::explains(reason)
                ? QStringLiteral("; put it back by hand once the conflict is settled")
                : QStringLiteral(": merge (--policy %1=restore: the live row becomes this one's), remap (--policy "
                                 "%1=keep-live: this row's dependants use the live row) or skip (as planned: "
                                 "restored without it)")
                      .arg(table.qualifiedName());
            findings.append({ edge.parent->qualifiedName(), PgRaw::value(rows, row, 0), RowAction::DependantSkipped,
                QStringLiteral("restored without its %1 row %2 (")
                        .arg(table.qualifiedName(), PgRaw::value(rows, row, 1))
                    + reason + QLatin1Char(')') + choices });
        }
        for (qsizetype i = findings.size() - PgRaw::rows(rows); i < findings.size(); ++i)
            findings[i].dependantTable = table.qualifiedName();
    }
    return findings;
}

qint64 LiveClassifier::settle(const Table &table, RestorePolicy policy, const QString &rule, bool policyChosen)
{
    // Rows that waited for a parent in a table decided after theirs (a cycle): now it is decided.
    const QString s = sql::quoteIdent(staged(table));
    const qint64 woken = m_provenance.wakeWaiting(table, s);
    if (woken == 0)
        return 0;
    m_provenance.forgetRepointing();
    m_provenance.markWithDeletedParents(table, s);
    markParents(table, s);
    m_provenance.markByProvenance(table, s, rule);
    markCollisions(table, policy, s, std::nullopt, policyChosen);
    const qint64 inserted = insertUndecided(s);
    analyze(s);
    return inserted;
}

void LiveClassifier::keepWaitingDeleted(const Table &table)
{
    m_provenance.keepWaitingDeleted(table, sql::quoteIdent(staged(table)));
}

void LiveClassifier::markPutBack(const Table &table, const QString &s)
{
    // A foreign key that differs is put back only when its backup value is a root or a row the plan
    // restores: the incident took the row away from it. Any other difference is an ordinary edit
    // made since the backup, and life wins.
    const QStringList &pk = table.primaryKey;
    const QString sameKey = RestoreSql::equal(QStringLiteral("s"), pk, QStringLiteral("l"), pk);
    const QString presentOrPutBack = rowActionIn(QStringLiteral("s"), { RowAction::Present, RowAction::Repoint });
    const auto moved = [](const ClosureBuilder::Edge &edge) {
        return QStringLiteral("(%1) IS DISTINCT FROM (%2) AND %3")
            .arg(RestoreSql::prefixed(QStringLiteral("s"), edge.columns),
                RestoreSql::prefixed(QStringLiteral("l"), edge.columns),
                RestoreSql::notNull(QStringLiteral("s"), edge.columns));
    };
    for (const ClosureBuilder::Edge &edge : ClosureBuilder::edgesFrom(m_edges, table)) {
        update(QStringLiteral("UPDATE %1 s SET %2 FROM %3 l WHERE %8 AND %4 AND %5 AND %6 AND %7")
                   .arg(s, rowActionIs(QString(), RowAction::Repoint), table.sqlName(), sameKey, moved(edge),
                       m_provenance.incidentParent(edge, QStringLiteral("s"), false),
                       parentAvailable(edge, QStringLiteral("s"), false), presentOrPutBack));
        m_session.exec(QStringLiteral("UPDATE %1 s SET %2 = concat_ws('; ', s.%2, $1::text) FROM %3 l WHERE %4 "
                                      "AND %5 AND %6 AND %7 AND %8")
                           .arg(s, StagingColumn::reason(), table.sqlName(), presentOrPutBack, sameKey, moved(edge),
                               m_provenance.incidentParent(edge, QStringLiteral("s"), false),
                               parentMissing(edge, QStringLiteral("s"), false)),
            { QStringLiteral("moved %1 not put back: its original %2 row is gone from live")
                    .arg(edge.columns.join(QLatin1Char(',')), edge.parent->qualifiedName()) });
    }
    // Ordinary edits on rows put back for another key: the staged value becomes live's, so the
    // script's statement for this key leaves them alone.
    for (const ClosureBuilder::Edge &edge : ClosureBuilder::edgesFrom(m_edges, table)) {
        QStringList assignments;
        for (const QString &column : edge.columns)
            assignments << QStringLiteral("%1 = l.%1").arg(sql::quoteIdent(column));
        const qint64 edits = update(QStringLiteral("UPDATE %1 s SET %2 FROM %3 l WHERE %4 AND %5 AND %6 AND NOT %7")
                                        .arg(s, assignments.join(QStringLiteral(", ")), table.sqlName(),
                                            rowActionIs(QStringLiteral("s"), RowAction::Repoint), sameKey, moved(edge),
                                            m_provenance.incidentParent(edge, QStringLiteral("s"), false)));
        const auto kept = m_session.exec(
            QStringLiteral("SELECT count(*) FROM %1 s JOIN %2 l ON %3 WHERE %4 AND %5")
                .arg(s, table.sqlName(), sameKey, rowActionIs(QStringLiteral("s"), RowAction::Present), moved(edge)));
        const qint64 count = edits + PgRaw::value(kept, 0, 0).toLongLong();
        if (count > 0)
            m_lifeNotes << QStringLiteral(
                "%1.%2: %3 rows point elsewhere than in BACKUP and their backup %4 row is neither a root "
                "nor restored: ordinary edits since the backup, kept")
                               .arg(table.qualifiedName(), edge.columns.join(QLatin1Char(',')), QString::number(count),
                                   edge.parent->qualifiedName());
    }
}

void LiveClassifier::keepCopiesOfPresentRows(const Table &table, const QString &s)
{
    // The backup row is in live again (made anew after the incident): its moved copy cannot take
    // its key back. Like a foreign key that cannot be put back, the live row stays as it is.
    const QStringList liveKey = MovedKeys::liveKeyColumns(table.primaryKey);
    m_session.exec(QStringLiteral("UPDATE %1 x SET %2 = CASE WHEN %6 THEN %7 ELSE x.%2 END, "
                                  "%3 = concat_ws('; ', x.%3, $1 || %4 || $2) WHERE %8 AND x.%5 IS NOT NULL")
                       .arg(s, StagingColumn::action(), StagingColumn::reason(),
                           RestoreSql::keyText(QStringLiteral("x"), liveKey), sql::quoteIdent(liveKey.first()),
                           rowActionIs(QStringLiteral("x"), RowAction::Present), rowActionSql(RowAction::KeptLive),
                           rowActionIn(QStringLiteral("x"), { RowAction::Present, RowAction::Repoint })),
        { QStringLiteral("its moved copy ("),
            QStringLiteral(") stays in live under its new key: re-keying it back would duplicate "
                           "the primary key of this row, which live holds again") });
}

qint64 LiveClassifier::markParents(const Table &table, const QString &s)
{
    qint64 changed = 0;
    {
        for (const ClosureBuilder::Edge &edge : ClosureBuilder::edgesFrom(m_edges, table)) {
            const ForeignKey *foreignKey = edge.foreignKey;
            const FkAction onDelete = foreignKey ? foreignKey->onDelete : FkAction::NoAction;
            const QStringList setNull
                = foreignKey && !foreignKey->setNullColumns.isEmpty() ? foreignKey->setNullColumns : edge.columns;
            const QString condition
                = QStringLiteral("s.%1 IS NULL AND %2 AND %3")
                      .arg(StagingColumn::action(), RestoreSql::notNull(QStringLiteral("s"), edge.columns),
                          parentMissing(edge, QStringLiteral("s"), true));
            const QString parent = QStringLiteral("parent %1 (%2) is gone from live")
                                       .arg(edge.parent->qualifiedName(), edge.columns.join(QLatin1Char(',')));
            const QString key = RestoreSql::keyText(QStringLiteral("s"), edge.columns);
            if (onDelete == FkAction::Cascade) {
                changed += PgRaw::affected(m_session.exec(
                    QStringLiteral("UPDATE %1 s SET %2, %3 = $1 || ' = ' || %4 || '; ON "
                                   "DELETE CASCADE would have deleted this row' WHERE %5")
                        .arg(s, rowActionIs(QString(), RowAction::Cascade), StagingColumn::reason(), key, condition),
                    { parent }));
            } else if (onDelete == FkAction::SetNull) {
                QStringList assignments;
                for (const QString &column : setNull)
                    assignments << sql::quoteIdent(column) + QStringLiteral(" = NULL");
                changed += PgRaw::affected(m_session.exec(
                    QStringLiteral("UPDATE %1 s SET %2, %3 = concat_ws('; ', s.%3, $1 || ' = ' || %4 || "
                                   "'; restored with it set to NULL (ON DELETE SET NULL)') WHERE %5")
                        .arg(s, assignments.join(QStringLiteral(", ")), StagingColumn::reason(), key, condition),
                    { parent }));
            } else {
                changed += PgRaw::affected(
                    m_session.exec(QStringLiteral("UPDATE %1 s SET %2, %3 = $1 || ' = ' || %4 || '; "
                                                  "its ON DELETE rule forbids the row without it' WHERE %5")
                                       .arg(s, rowActionIs(QString(), RowAction::Unrestorable), StagingColumn::reason(),
                                           key, condition),
                        { parent }));
            }
        }
    }
    return changed;
}

QString LiveClassifier::projectedLive(const Table &table) const
{
    // LIVE as it will be once recreated parents got their original ids back.
    QStringList columns;
    QStringList joins;
    const QList<ClosureBuilder::Edge> edges = ClosureBuilder::edgesFrom(m_edges, table);
    for (const Column &column : table.columns) {
        QString expression = QStringLiteral("l.") + sql::quoteIdent(column.name);
        for (const ClosureBuilder::Edge &edge : edges) {
            const QString parentStaging = staged(*edge.parent);
            if (parentStaging.isEmpty() || edge.parent == edge.child || edge.columns != QStringList { column.name }
                || edge.parentColumns != edge.parent->primaryKey)
                continue;
            const QString alias = QStringLiteral("m%1").arg(joins.size());
            joins << QStringLiteral("LEFT JOIN %1 %2 ON %3 AND %2.%4 = l.%5")
                         .arg(sql::quoteIdent(parentStaging), alias, rowActionIs(alias, RowAction::Recreate),
                             StagingColumn::live(), sql::quoteIdent(column.name));
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
    const Table &table, RestorePolicy policy, const QString &s, std::optional<RowAction> decided, bool policyChosen)
{
    const QStringList &pk = table.primaryKey;
    const QString candidates
        = decided ? rowActionIs(QString(), *decided) : QStringLiteral("%1 IS NULL").arg(StagingColumn::action());
    // A row whose moved copy takes its key back: that key is checked too, and the copy is not a collision with itself.
    const bool rekey = decided == RowAction::Rekey;
    const bool repoint = rekey || decided == RowAction::Repoint;
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
        if (!RestoreSql::comparable(key))
            continue;
        const QString predicate = RestoreSql::keyPredicate(key);
        const QString keyColumns = sql::quoteIdentList(pk);
        // A live row that belongs to another parent than the backup row (someone else's e-mail that
        // took a victim's address) is not taken from its owner unless the operator chose the policy.
        QStringList owners;
        // Roots are the operator's choice: taken over whatever they point at.
        QStringList sameOwner { QStringLiteral("true") };
        if (!policyChosen && !repoint && pk.size() == 1) {
            sameOwner = QStringList { QStringLiteral("true") };
            for (const ClosureBuilder::Edge &edge : ClosureBuilder::edgesFrom(m_edges, table)) {
                if (edge.parent == edge.child || edge.columns.size() != 1 || staged(*edge.parent).isEmpty())
                    continue;
                sameOwner
                    << QStringLiteral("a.\"_salvage_o%1\" IS NOT DISTINCT FROM b.\"_salvage_o%1\"").arg(owners.size());
                owners << QStringLiteral(", x.%1 AS \"_salvage_o%2\"")
                              .arg(sql::quoteIdent(edge.columns.first()), QString::number(owners.size()));
            }
        }
        const QString ownerCheck = owners.isEmpty()
            ? QStringLiteral("true")
            : QStringLiteral("(a.%1 OR (%2))").arg(StagingColumn::root(), sameOwner.join(QStringLiteral(" AND ")));
        const QString candidateRoot = owners.isEmpty() ? QString() : QStringLiteral(", x.") + StagingColumn::root();
        const QString candidateRows
            = QStringLiteral("SELECT %1, %2%6 FROM %3 x WHERE %4%5")
                  .arg(rekey ? sql::quoteIdentList(pk + MovedKeys::liveKeyColumns(table.primaryKey)) : keyColumns,
                      RestoreSql::keyElements(key), s, candidates, predicate, owners.join(QString()) + candidateRoot);
        const QString liveRows = QStringLiteral("SELECT %1, %2%5 FROM %3 x WHERE true%4")
                                     .arg(keyColumns, RestoreSql::keyElements(key), projectedLive(table), predicate,
                                         owners.join(QString()));
        QStringList keyAliases;
        for (qsizetype i = 0; i < pk.size(); ++i)
            keyAliases << QStringLiteral("a.%1 AS \"_salvage_k%2\"").arg(sql::quoteIdent(pk.at(i)), QString::number(i));
        QStringList keyMatch;
        for (qsizetype i = 0; i < pk.size(); ++i)
            keyMatch << QStringLiteral("s.%1 = c.\"_salvage_k%2\"").arg(sql::quoteIdent(pk.at(i)), QString::number(i));

        RowAction action;
        QString reason;
        const bool singleKey = pk.size() == 1;
        if (rekey) {
            action = RowAction::KeptLive;
            reason = QStringLiteral(
                "its moved copy stays in live: re-keying it back would duplicate %1 of newer live row ")
                         .arg(key.name.isEmpty() ? QStringLiteral("the primary key")
                                                 : QStringLiteral("unique key ") + key.name);
        } else if (repoint) {
            action = RowAction::KeptLive;
            reason = QStringLiteral("putting its foreign key back would duplicate unique key %1 of newer live row ")
                         .arg(key.name);
        } else if (policy == RestorePolicy::Restore && singleKey) {
            action = RowAction::Recreate;
            reason = QStringLiteral("recreated entity: unique key %1 matches live row ").arg(key.name);
        } else if (policy == RestorePolicy::KeepLive && singleKey) {
            action = RowAction::Mapped;
            reason = QStringLiteral("keep-live: mapped onto live row with the same %1, live row ").arg(key.name);
        } else {
            action = RowAction::Skipped;
            reason = QStringLiteral("unique key %1 is taken by newer live row ").arg(key.name);
        }
        const QString liveKey = singleKey ? QStringLiteral("b.") + sql::quoteIdent(pk.first()) : QStringLiteral("NULL");
        m_session.exec(
            QStringLiteral(
                "UPDATE %1 s SET %2 = CASE WHEN c.\"_salvage_same\" THEN $1 ELSE %16 END, %3 = c.\"_salvage_l\", "
                "%4 = concat_ws('; ', s.%4, CASE WHEN c.\"_salvage_same\" THEN $2 ELSE $3 END || c.\"_salvage_lkey\") "
                "FROM (SELECT DISTINCT ON (%5) %6, %7 AS \"_salvage_l\", %8 AS \"_salvage_lkey\", %15 AS "
                "\"_salvage_same\" "
                "FROM (%9) a JOIN (%10) b ON %11 WHERE (%5) IS DISTINCT FROM (%12) ORDER BY %5, %12) c "
                "WHERE %13 AND s.%14")
                .arg(s, StagingColumn::action(), StagingColumn::live(), StagingColumn::reason(),
                    RestoreSql::prefixed(QStringLiteral("a"), pk), keyAliases.join(QStringLiteral(", ")), liveKey,
                    RestoreSql::keyText(QStringLiteral("b"), pk), candidateRows, liveRows,
                    RestoreSql::keyElementsMatch(key) + notItsCopy, RestoreSql::prefixed(QStringLiteral("b"), pk),
                    keyMatch.join(QStringLiteral(" AND ")), candidates, ownerCheck, rowActionSql(RowAction::Skipped)),
            { rowActionName(action), reason,
                QStringLiteral(
                    "unique key %1 is held by a live row of another owner, which keeps it (choose a policy for %2 "
                    "to take it over): live row ")
                    .arg(key.name, table.qualifiedName()) });
    }
    // Undecided rows collide under exclusion constraints too; those are skipped whatever the policy.
    if (!decided)
        ExclusionConflicts(m_session).markSkipped(table, s, projectedLive(table));
}

qint64 LiveClassifier::foreignKeyUpdates(const ClosureBuilder::Edge &edge, bool backEdge) const
{
    const Table &table = *edge.child;
    const QString s = sql::quoteIdent(staged(table));
    const QString insertRows = backEdge
        ? QStringLiteral(" OR ") + rowActionIn(QStringLiteral("s"), { RowAction::Insert, RowAction::Recreate })
        : QString();
    // A key ON UPDATE CASCADE to a moved copy the plan re-keys is put back by that statement.
    const QString cascaded = m_movedKeys
        ? m_movedKeys->cascadesBack(edge, QStringLiteral("s"), QStringLiteral("l"), edge.columns)
        : QStringLiteral("false");
    const auto result = m_session.exec(
        QStringLiteral("SELECT count(*) FROM %1 s LEFT JOIN %2 l ON %3 WHERE %4 AND %5 AND "
                       "((%6 AND (%7) IS DISTINCT FROM (%8) AND NOT %10)%9)")
            .arg(s, table.sqlName(),
                RestoreSql::equal(QStringLiteral("s"), table.primaryKey, QStringLiteral("l"), table.primaryKey),
                RestoreSql::notNull(QStringLiteral("s"), edge.columns),
                parentAvailable(edge, QStringLiteral("s"), false), rowActionIs(QStringLiteral("s"), RowAction::Repoint),
                RestoreSql::prefixed(QStringLiteral("s"), edge.columns),
                RestoreSql::prefixed(QStringLiteral("l"), edge.columns), insertRows, cascaded));
    return PgRaw::value(result, 0, 0).toLongLong();
}

} // namespace salvage
