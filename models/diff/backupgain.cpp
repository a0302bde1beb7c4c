#include "backupgain.h"

#include "core/error.h"
#include "db/pgsession.h"
#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "diff/diffrunner.h"
#include "jobs/jobcontrol.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace salvage {

namespace {

/// Keys sent to the server per statement: a few megabytes of JSON.
constexpr qsizetype kKeysPerBatch = 20000;

/// The keys of `diff`'s rows lost in LIVE (only in its BACKUP).
QList<QStringList> lostKeys(const TableDiff &diff)
{
    QList<QStringList> keys;
    for (qsizetype i = 0; i < diff.rows.size(); ++i) {
        if (diff.rows.at(i).status == DiffRow::Status::OnlyInBackup)
            keys.append(diff.key(i));
    }
    return keys;
}

/// How many of `keys` (values of `diff`'s key columns, as text) the table lacks on `session`:
/// the keys go to the server as JSON, typed by the table's own row type, and are looked up there.
qint64 countMissing(PgSession &session, const TableDiff &diff, const QList<QStringList> &keys, JobControl &control)
{
    QStringList tableColumns, keyColumns;
    for (const QString &column : diff.keyColumns) {
        tableColumns.append(QStringLiteral("t.") + sql::quoteIdent(column));
        keyColumns.append(QStringLiteral("k.") + sql::quoteIdent(column));
    }
    const std::string statement
        = QStringLiteral("SELECT count(*) FROM jsonb_populate_recordset(NULL::%1, $1::jsonb) AS k "
                         "WHERE NOT EXISTS (SELECT 1 FROM %1 AS t WHERE (%2) = (%3))")
              .arg(diff.sqlName, tableColumns.join(QStringLiteral(", ")), keyColumns.join(QStringLiteral(", ")))
              .toStdString();
    qint64 missing = 0;
    for (qsizetype begin = 0; begin < keys.size(); begin += kKeysPerBatch) {
        control.throwIfCancelled();
        QJsonArray batch;
        for (qsizetype i = begin; i < std::min(keys.size(), begin + kKeysPerBatch); ++i) {
            QJsonObject key;
            for (qsizetype column = 0; column < diff.keyColumns.size(); ++column)
                key.insert(diff.keyColumns[column], keys[i].value(column));
            batch.append(key);
        }
        pqxx::read_transaction transaction(session.connection());
        missing += pqxxcompat::execParams(
            transaction, statement, QJsonDocument(batch).toJson(QJsonDocument::Compact).toStdString())[0][0]
                       .as<qint64>();
    }
    return missing;
}

} // namespace

qint64 BackupGain::total(qint64 Table::*count) const
{
    qint64 sum = 0;
    for (const Table &table : tables)
        sum += table.*count;
    return sum;
}

BackupGain BackupGain::compute(
    const DiffResult &firstDiff, PgSession &first, PgSession &second, PgSession &live, JobControl &control)
{
    // Only the lost rows' keys are read: their values go to the spool, not to memory.
    const DiffResult secondDiff = DiffRunner::run(second, live, control, {}, {}, RowRetention::Spooled);
    return fromDiffs(firstDiff, secondDiff, first, second, control);
}

BackupGain BackupGain::fromDiffs(
    const DiffResult &firstDiff, const DiffResult &secondDiff, PgSession &first, PgSession &second, JobControl &control)
{
    QHash<QString, const TableDiff *> secondTables;
    for (const TableDiff &table : secondDiff.tables)
        secondTables.insert(table.table, &table);
    BackupGain gain;
    for (const TableDiff &firstTable : firstDiff.tables) {
        const TableDiff *secondTable = secondTables.value(firstTable.table);
        if (!secondTable) {
            gain.notes.append(QStringLiteral("%1 was compared on one BACKUP only.").arg(firstTable.table));
            continue;
        }
        if (!firstTable.hasPrimaryKey() || firstTable.keyColumns != secondTable->keyColumns) {
            if (firstTable.onlyInBackup > 0 || secondTable->onlyInBackup > 0)
                gain.notes.append(QStringLiteral("%1 has no key both BACKUPs share: its rows are not counted.")
                                      .arg(firstTable.table));
            continue;
        }
        Table table { firstTable.table, firstTable.onlyInBackup, secondTable->onlyInBackup, 0, 0 };
        if (table.lostFromFirst == 0 && table.lostFromSecond == 0)
            continue;
        control.setProgress(-1, -1, QStringLiteral("what each BACKUP recovers: %1").arg(table.table));
        table.onlyFromFirst = countMissing(second, firstTable, lostKeys(firstTable), control);
        table.onlyFromSecond = countMissing(first, *secondTable, lostKeys(*secondTable), control);
        gain.tables.append(table);
    }
    std::stable_sort(gain.tables.begin(), gain.tables.end(), [](const Table &a, const Table &b) {
        return a.onlyFromSecond != b.onlyFromSecond ? a.onlyFromSecond > b.onlyFromSecond
                                                    : a.lostFromSecond > b.lostFromSecond;
    });
    return gain;
}

} // namespace salvage
