#pragma once

#include "db/schema.h"

#include <QByteArray>
#include <QJsonObject>

namespace salvage {

/// The schema as the stable JSON documented in the README (`salvage-cli schema --format json`).
QJsonObject schemaToJson(const Schema &schema);

/// A readable listing: one block per table with its keys and foreign keys.
QString schemaToText(const Schema &schema);

} // namespace salvage
