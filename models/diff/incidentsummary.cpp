#include "incidentsummary.h"

#include "diff/diffrowstext.h"
#include "logs/logkeycandidates.h"

#include <QLocale>
#include <QObject>
#include <QSet>
#include <algorithm>

namespace salvage {

namespace {

/// "public.accounts" → "accounts": findings read as sentences.
QString shortName(const QString &table)
{
    return table.section(QLatin1Char('.'), -1);
}

IncidentFinding tableFinding(const TableDiff &table)
{
    IncidentFinding finding;
    finding.title = table.table;
    finding.table = table.table;
    finding.lost = table.onlyInBackup;
    finding.fresh = table.onlyInLive;
    finding.changed = table.changed;
    finding.detail = QObject::tr("%1 lost, %2 new, %3 changed of %4 rows in backup")
                         .arg(QLocale().toString(table.onlyInBackup), QLocale().toString(table.onlyInLive),
                             QLocale().toString(table.changed), QLocale().toString(table.backupRows));
    // The rows that tell the story: lost ones when there are, else the changed ones.
    const DiffRow::Status focus = table.onlyInBackup > 0 ? DiffRow::Status::OnlyInBackup
        : table.changed > 0                              ? DiffRow::Status::Changed
                                                         : DiffRow::Status::OnlyInLive;
    QList<int> rows;
    for (int i = 0; i < table.rows.size() && rows.size() < IncidentSummary::kLogRows; ++i)
        if (table.rows.at(i).status == focus)
            rows << i;
    const DiffRowSelection selection = DiffRowSelection::of(table, rows);
    finding.graphRoot = selection.graphRoot();
    finding.logValues = selection.logValues;
    finding.logName = focus == DiffRow::Status::OnlyInBackup
        ? QObject::tr("rows lost from %1").arg(table.table)
        : QObject::tr("rows %1 in %2")
              .arg(focus == DiffRow::Status::Changed ? QObject::tr("changed") : QObject::tr("new"), table.table);
    // Only rows in backup can be restored: every lost row, or the changed rows picked here.
    if (table.onlyInBackup > 0)
        finding.restoreRoot = table.table + QStringLiteral(" MISSING");
    else if (focus == DiffRow::Status::Changed)
        finding.restoreRoot = selection.restoreRoot();
    return finding;
}

IncidentFinding fanInFinding(const DiffFanIn &fanIn, const QList<DiffMove> &moves)
{
    IncidentFinding finding;
    const QString target = fanIn.target.value_or(QStringLiteral("NULL"));
    finding.title = fanIn.target
        ? QObject::tr("%1 %2' rows → %3 %4")
              .arg(QLocale().toString(fanIn.sources), shortName(fanIn.table), shortName(fanIn.table), target)
        : QObject::tr("%1 %2' rows → NULL (links cleared)")
              .arg(QLocale().toString(fanIn.sources), shortName(fanIn.table));
    finding.detail = QObject::tr("%1 rows re-pointed in %n table(s): %2", nullptr, int(fanIn.tables.size()))
                         .arg(QLocale().toString(fanIn.rows), fanIn.tables.join(QStringLiteral(", ")));
    finding.graphRoot = fanIn.target ? fanIn.table + QLatin1Char(':') + target : QString();
    // The sources are the target table's rows that were merged away: the rows to bring back.
    QStringList sources;
    QSet<QString> seen;
    bool composite = false;
    for (const DiffMove &move : moves) {
        if (move.target != fanIn.table || move.to != fanIn.target)
            continue;
        if (finding.table.isEmpty())
            finding.table = move.table; // moves come largest first
        composite = composite || move.column.contains(QLatin1Char(','));
        if (move.from && !seen.contains(*move.from)) {
            seen.insert(*move.from);
            sources << *move.from;
        }
    }
    if (!composite && !sources.isEmpty())
        finding.restoreRoot = fanIn.table + QLatin1Char(':') + sources.join(QLatin1Char(','));
    finding.logName = QObject::tr("%1 %2 and the %n row(s) moved to it", nullptr, int(sources.size()))
                          .arg(shortName(fanIn.table), target);
    // Ids of the target table: a bare number names a row only with its table (Timeline::keysAmong).
    LogKeyCandidates values;
    if (fanIn.target)
        values.addRowId(fanIn.table, target);
    for (const QString &source : sources.mid(0, IncidentSummary::kLogRows))
        values.addRowId(fanIn.table, source);
    finding.logValues = values.values();
    return finding;
}

} // namespace

IncidentSummary IncidentSummary::of(const DiffResult &result, int top)
{
    IncidentSummary summary;
    QList<const TableDiff *> differing;
    for (const TableDiff &table : result.tables) {
        ++summary.tablesCompared;
        summary.lost += table.onlyInBackup;
        summary.fresh += table.onlyInLive;
        summary.changed += table.changed;
        summary.moved += table.movedRows();
        if (!table.identical())
            differing << &table;
    }
    summary.tablesDiffering = int(differing.size());
    std::stable_sort(differing.begin(), differing.end(), [](const TableDiff *a, const TableDiff *b) {
        return std::tuple(a->onlyInBackup, a->changed, a->onlyInLive)
            > std::tuple(b->onlyInBackup, b->changed, b->onlyInLive);
    });
    for (const TableDiff *table : differing.mid(0, top)) {
        summary.tables << tableFinding(*table);
        if (table->keyColumns.size() != 1)
            continue; // a log names a row by one id, not by a tuple or a whole row
        QStringList &keys = summary.lostKeys[table->table];
        for (qsizetype i = 0; i < table->rows.size() && keys.size() < kLostKeys; ++i)
            if (table->rows.at(i).status == DiffRow::Status::OnlyInBackup)
                keys << table->key(i).first();
    }

    const QList<DiffMove> moves = result.moves();
    for (const DiffFanIn &fanIn : result.fanIn()) {
        if (!fanIn.incident || summary.fanIns.size() >= top)
            break; // ranked: incidents first
        summary.fanIns << fanInFinding(fanIn, moves);
    }
    return summary;
}

} // namespace salvage
