#pragma once

#include <QSet>
#include <QStringList>

namespace salvage {

/// Which table a word of a log most likely names: a path's resource ("accounts"), a column's
/// stem ("target_account" of target_account_id), a statement's relation, or a nested resource
/// ("orders/items" of /orders/17/items/5). Matched against the schema's table names when they
/// are known (introspected), guessed from the word alone when not; nothing is hard-coded.
class TableTag
{
public:
    /// Table names `tag` may name, most likely first, lower case: the word as written, its
    /// plural and singular, its trailing words ("account" of "target_account"), and for a
    /// nested resource the parent's singular joined to it ("order_items").
    static QStringList candidates(const QString &tag);
    /// The table `tag` names: the first candidate among `tables` (lower-case names), or, with
    /// no schema known, the likeliest guess; empty when a known schema has none of them.
    static QString resolve(const QString &tag, const QSet<QString> &tables);
    /// True when `tag` may name `table`: resolves to it with a schema, is a candidate without.
    static bool names(const QString &tag, const QString &table, const QSet<QString> &tables);
    /// The stem a column or field name gives a table: "account_id" → "account", "id" → empty.
    static QString stemOf(const QString &column);

    static QString plural(const QString &word);
    static QString singular(const QString &word);
};

} // namespace salvage
