#pragma once

#include <QStringList>

class QPalette;
class QsciLexer;

namespace salvage {

/// What SqlEditor needs from the lexer that colours its SQL: Scintilla's own SQL lexer, or
/// KSyntaxHighlighting's PostgreSQL definition when Salvage is built with KF6 SyntaxHighlighting.
class SqlLexer
{
public:
    virtual ~SqlLexer() = default;

    virtual QsciLexer *lexer() = 0;
    /// Table and column names of the schema, highlighted as such.
    virtual void setNames(const QStringList &names) = 0;
    /// Colours that suit the palette, dark or light.
    virtual void applyPalette(const QPalette &palette) = 0;
};

} // namespace salvage
