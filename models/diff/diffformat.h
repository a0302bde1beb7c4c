#pragma once

#include "diff/diffresult.h"

#include <QJsonObject>
#include <QString>

class QIODevice;

namespace salvage {

/// The CLI's stable JSON (README "diff") and a readable text summary of a DiffResult.
QJsonObject diffToJson(const DiffResult &result, bool withRows);
QString diffToText(const DiffResult &result, bool withRows);
/// diffToText written to `device` a block at a time (a whole listing is never held); throws
/// salvage::Error when a write fails.
void writeDiffText(const DiffResult &result, bool withRows, QIODevice &device);
/// One entry of a table's "rows" in diffToJson (listed `row.multiplicity` times there).
QJsonObject diffRowToJson(const TableDiff &table, const DiffRow &row);
/// The same for a row whose key is `key` (TableDiff::key(): a spooled row holds none).
QJsonObject diffRowToJson(const TableDiff &table, const DiffRow &row, const QStringList &key);
/// "2024-03-01 12:00:00 UTC" for a time in seconds since the epoch.
QString formatEpoch(double seconds);

} // namespace salvage
