#pragma once

#include "db/schema.h"

namespace salvage {

/// The table a log key's kind names ("account" → public.accounts, "status" → public.statuses),
/// for "Show in graph / compare" on a timeline row: the kind as written, then its plurals.
class KeyTable
{
public:
    /// "schema.table", or empty when no table answers to the kind (a request id, an IP).
    static QString forKind(const QString &kind, const Schema &schema);
};

} // namespace salvage
