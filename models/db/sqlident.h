#pragma once

#include <QString>
#include <QStringList>

namespace salvage::sql {

/// Quotes an identifier the way PostgreSQL's quote_ident() does, always (never relies on case folding).
QString quoteIdent(const QString &identifier);

/// "schema"."name", both parts quoted.
QString qualified(const QString &schema, const QString &name);

/// A comma-separated list of quoted identifiers.
QString quoteIdentList(const QStringList &identifiers);

/// A string literal for generated scripts ('...' with quotes doubled, E'' never needed with
/// standard_conforming_strings on). Values sent to a server are bound instead.
QString quoteLiteral(const QString &value);

/// Text safe on a "--" comment line of a generated script: every control character (C0, DEL, C1
/// such as U+0085), the Unicode line and paragraph separators and the bidirectional overrides become
/// \xNN or \uNNNN, so a name or a value can neither end the comment (psql ends it at CR as well as
/// LF: what follows would run as SQL) nor hide text from the person who reads the script.
QString commentText(const QString &text);

/// The parts of a possibly qualified name as an operator types it: `schema.table`,
/// `"App Data"."User"`, `"issue""s"`. Quoted parts lose their quotes ("" becomes "); bare parts
/// are kept as typed. Empty when the text is not such a name.
QStringList splitQualifiedName(const QString &text);

/// The names of a list as quoteIdentList() writes it (`"a", "b"`); empty when it is not one.
QStringList splitIdentifierList(const QString &text);

/// A regular-expression fragment matching one such name (bare parts stop at white space, '.' and ':').
QString qualifiedNamePattern();

/// A libpq conninfo value: bare when it is a safe word, otherwise single-quoted with escapes.
QString quoteConninfoValue(const QString &value);

} // namespace salvage::sql
