#include "diff/diffformat.h"

#include "core/blockwriter.h"
#include "diff/moveranker.h"

#include <QBuffer>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QLocale>
#include <QMap>
#include <QSet>
#include <QTimeZone>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
QJsonValue jsonValue(const DiffValue &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

// `keyValues`: the row's key (TableDiff::key()), unused without a primary key.
QJsonObject rowKey(const TableDiff &table, const DiffRow &row, const QStringList &keyValues)
{
    QJsonObject key;
    if (table.hasPrimaryKey()) {
        for (int i = 0; i < table.keyColumns.size() && i < keyValues.size(); ++i)
            key.insert(table.keyColumns.at(i), keyValues.at(i));
        return key;
    }
    // Without a key a row is identified by all its values (read back when they were spooled).
    const DiffRowValues sides = table.values(row);
    const QList<DiffValue> &values = sides.backup.isEmpty() ? sides.live : sides.backup;
    for (int i = 0; i < table.columns.size() && i < values.size(); ++i)
        key.insert(table.columns.at(i), jsonValue(values.at(i)));
    return key;
}

QString number(qint64 value)
{
    return QLocale::c().toString(value).replace(u',', u',');
}

QString text(const DiffValue &value)
{
    return value ? *value : u"NULL"_s;
}

// "101…298 (198 values)" or "101, 102": the backup values a group of moves came from.
QString fromSummary(QList<DiffValue> values)
{
    std::sort(values.begin(), values.end(), [](const DiffValue &a, const DiffValue &b) {
        bool okA = false, okB = false;
        const double x = a ? a->toDouble(&okA) : 0, y = b ? b->toDouble(&okB) : 0;
        return okA && okB ? x < y : text(a) < text(b);
    });
    if (values.size() <= 3) {
        QStringList parts;
        for (const DiffValue &value : values)
            parts << text(value);
        return parts.join(u", "_s);
    }
    return u"%1…%2 (%3 values)"_s.arg(text(values.first()), text(values.last()), QString::number(values.size()));
}

// One line per column and target: "6,625 rows of public.statuses.account_id moved from 101…298 to 900000".
QStringList moveLines(const QList<DiffMove> &moves)
{
    QMap<QString, QPair<qint64, QList<DiffValue>>> groups;
    for (const DiffMove &move : moves) {
        auto &group = groups[move.table + u'.' + move.column + u"\x1f"_s + text(move.to) + u"\x1f"_s
            + (move.keyChanged ? u" (part of the key: listed as lost and new)"_s : QString())];
        group.first += move.rows;
        group.second << move.from;
    }
    QList<QPair<qint64, QString>> lines;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        const QStringList parts = it.key().split(u'\x1f');
        lines.append({ it->first,
            u"%1 rows of %2 moved from %3 to %4%5"_s.arg(
                number(it->first), parts.at(0), fromSummary(it->second), parts.at(1), parts.at(2)) });
    }
    std::stable_sort(lines.begin(), lines.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    QStringList out;
    for (const auto &line : lines)
        out << line.second;
    return out;
}

QString targetId(const QString &table, const DiffValue &value)
{
    return table + u'\x1f' + (value ? u"v"_s + *value : u"n"_s);
}

// The incident's targets first, largest fan-in first, each with its moves; the scattered small
// re-points of life since the backup summed up in one line (every one is in the JSON).
QString movesText(const DiffResult &result)
{
    const QList<DiffMove> moves = result.moves();
    if (moves.isEmpty())
        return {};
    QHash<QString, QList<DiffMove>> byTarget;
    for (const DiffMove &move : moves)
        byTarget[targetId(move.target, move.to)] << move;
    QString out = u"\nMoves, ranked by fan-in (distinct backup values re-pointed at one row, across tables):\n"_s;
    qint64 ordinaryRows = 0;
    QSet<QString> ordinaryColumns;
    for (const DiffFanIn &target : result.fanIn()) {
        const QList<DiffMove> into = byTarget.value(targetId(target.table, target.target));
        if (!target.incident) {
            ordinaryRows += target.rows;
            for (const DiffMove &move : into)
                ordinaryColumns.insert(move.table + u'.' + move.column);
            continue;
        }
        out += u"  %1 %2 → %3 %4 across %5 %6 (%7 rows)\n"_s.arg(number(target.sources),
            target.sources == 1 ? u"source"_s : u"sources"_s, target.table,
            target.target ? *target.target : u"(set to NULL)"_s, QString::number(target.tables.size()),
            target.tables.size() == 1 ? u"table"_s : u"tables"_s, number(target.rows));
        for (const QString &line : moveLines(into))
            out += u"    "_s + line + u'\n';
    }
    if (ordinaryRows > 0)
        out += u"  %1 ordinary edits of %2 column(s) (kept: life since the backup, put back by a restore only when "
               u"they left a row it restores; each target got fewer than %3 sources and at most %4 rows)\n"_s
                   .arg(number(ordinaryRows))
                   .arg(ordinaryColumns.size())
                   .arg(MoveRanker::kIncidentSources)
                   .arg(MoveRanker::kOrdinaryEditRows);
    return out;
}
} // namespace

QString formatEpoch(double seconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000.0), QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm:ss"_s)
        + u" UTC"_s;
}

QJsonObject diffRowToJson(const TableDiff &table, const DiffRow &row)
{
    return diffRowToJson(table, row, row.key);
}

QJsonObject diffRowToJson(const TableDiff &table, const DiffRow &row, const QStringList &key)
{
    return QJsonObject { { u"key"_s, rowKey(table, row, key) }, { u"status"_s, DiffRow::statusName(row.status) },
        { u"columns"_s, QJsonArray::fromStringList(row.changedColumns) } };
}

QJsonObject diffToJson(const DiffResult &result, bool withRows)
{
    QJsonArray tables;
    for (const TableDiff &table : result.tables) {
        QJsonObject object { { u"table"_s, table.table }, { u"key"_s, table.keyColumns.join(u',') },
            { u"backup_rows"_s, table.backupRows }, { u"live_rows"_s, table.liveRows },
            { u"only_in_backup"_s, table.onlyInBackup }, { u"only_in_live"_s, table.onlyInLive },
            { u"changed"_s, table.changed } };
        if (!table.keyIndex.isEmpty()) // `key` is a unique key's, not a primary key's: say which and why
            object.insert(u"note"_s, table.notes.first());
        if (withRows) {
            QJsonArray rows;
            for (qsizetype i = 0; i < table.rows.size(); ++i) {
                const DiffRow &row = table.rows.at(i);
                const QJsonObject entry = diffRowToJson(table, row, table.key(i));
                for (int copy = 0; copy < row.multiplicity; ++copy)
                    rows.append(entry);
            }
            object.insert(u"rows"_s, rows);
        }
        tables.append(object);
    }
    QJsonArray moves;
    for (const DiffMove &move : result.moves()) {
        moves.append(
            QJsonObject { { u"table"_s, move.table }, { u"column"_s, move.column }, { u"from"_s, jsonValue(move.from) },
                { u"to"_s, jsonValue(move.to) }, { u"rows"_s, move.rows }, { u"key_changed"_s, move.keyChanged },
                { u"target"_s, move.target }, { u"fan_in"_s, move.fanIn }, { u"incident"_s, move.incident } });
    }
    QJsonArray fanIn;
    for (const DiffFanIn &target : result.fanIn()) {
        fanIn.append(QJsonObject { { u"table"_s, target.table }, { u"target"_s, jsonValue(target.target) },
            { u"sources"_s, target.sources }, { u"rows"_s, target.rows },
            { u"tables"_s, QJsonArray::fromStringList(target.tables) }, { u"incident"_s, target.incident } });
    }
    return QJsonObject { { u"tables"_s, tables }, { u"moves"_s, moves }, { u"fan_in"_s, fanIn } };
}

void writeDiffText(const DiffResult &result, bool withRows, QIODevice &device)
{
    BlockWriter out(device, u"the diff"_s, 256 * 1024);
    out.write(result.backupTime
            ? u"Backup point in time (newest creation time in backup): %1\n"_s.arg(formatEpoch(*result.backupTime))
            : u"Backup point in time: not found (no creation timestamps or time-carrying keys)\n"_s);
    qint64 fresh = 0, unexplained = 0;
    int identical = 0;
    out.write(u"\n%1 %2 %3 %4 %5 %6 %7\n"_s.arg(u"table"_s.leftJustified(40), u"backup"_s.rightJustified(10),
        u"live"_s.rightJustified(10), u"lost"_s.rightJustified(9), u"new"_s.rightJustified(9),
        u"changed"_s.rightJustified(9), u"moved"_s.rightJustified(9)));
    for (const TableDiff &table : result.tables) {
        fresh += table.newSinceBackup;
        unexplained += table.onlyInLive - table.newSinceBackup;
        if (table.identical()) {
            ++identical;
            continue;
        }
        out.write(u"%1 %2 %3 %4 %5 %6 %7\n"_s.arg(table.table.leftJustified(40),
            number(table.backupRows).rightJustified(10), number(table.liveRows).rightJustified(10),
            number(table.onlyInBackup).rightJustified(9), number(table.onlyInLive).rightJustified(9),
            number(table.changed).rightJustified(9), number(table.movedRows()).rightJustified(9)));
    }
    out.write(u"%1 table(s) identical, %2 differ.\n"_s.arg(identical).arg(result.tables.size() - identical));
    out.write(
        u"Rows only in live: %1 new since the backup, %2 unexplained.\n"_s.arg(number(fresh), number(unexplained)));

    out.write(movesText(result));

    for (const TableDiff &table : result.tables) {
        for (const QString &note : table.notes)
            out.write(u"Note (%1): %2\n"_s.arg(table.table, note));
        if (!withRows)
            continue;
        for (qsizetype i = 0; i < table.rows.size(); ++i) {
            const DiffRow &row = table.rows.at(i);
            const QJsonObject key = rowKey(table, row, table.key(i));
            QStringList parts;
            for (auto it = key.begin(); it != key.end(); ++it)
                parts << it.key() + u'=' + (it.value().isNull() ? u"NULL"_s : it.value().toString());
            QString line = u"  %1 (%2) %3"_s.arg(table.table, parts.join(u", "_s), DiffRow::statusName(row.status));
            if (!row.changedColumns.isEmpty())
                line += u": "_s + row.changedColumns.join(u", "_s);
            if (row.origin != DiffRow::Origin::NotApplicable)
                line += row.origin == DiffRow::Origin::NewSinceBackup ? u" [new since backup]"_s : u" [unexplained]"_s;
            out.write(line + u'\n');
        }
    }
    for (const QString &note : result.notes)
        out.write(u"Note: "_s + note + u'\n');
    out.flush();
}

QString diffToText(const DiffResult &result, bool withRows)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    writeDiffText(result, withRows, buffer);
    return QString::fromUtf8(buffer.data());
}

} // namespace salvage
