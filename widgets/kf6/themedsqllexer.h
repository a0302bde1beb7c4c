#pragma once

#include "sqllexer.h"

#include <KSyntaxHighlighting/AbstractHighlighter>
#include <KSyntaxHighlighting/Format>
#include <KSyntaxHighlighting/State>
#include <QHash>
#include <QList>
#include <QSet>
#include <Qsci/qscilexercustom.h>

namespace salvage {

/// Colours SQL in a QScintilla editor with KSyntaxHighlighting's "SQL (PostgreSQL)" definition and
/// its default light or dark theme; words that name a table or column of the schema get a style of
/// their own. Built only with KF6 SyntaxHighlighting.
class ThemedSqlLexer : public QsciLexerCustom, public SqlLexer, private KSyntaxHighlighting::AbstractHighlighter
{
    Q_OBJECT
    // KSyntaxHighlighting declares AbstractHighlighter a Qt interface (Q_DECLARE_INTERFACE): moc wants
    // it listed, so that qobject_cast to it works as for KSyntaxHighlighting's own highlighters.
    Q_INTERFACES(KSyntaxHighlighting::AbstractHighlighter)
public:
    /// Null when KSyntaxHighlighting has no PostgreSQL definition.
    static ThemedSqlLexer *create(QObject *parent);

    QsciLexer *lexer() override { return this; }
    void setNames(const QStringList &names) override;
    void applyPalette(const QPalette &palette) override;

    const char *language() const override { return "SQL"; }
    QString description(int style) const override;
    void styleText(int start, int end) override;

    /// The style that schema names get, for tests.
    static constexpr int kNameStyle = 1;

private:
    ThemedSqlLexer(const KSyntaxHighlighting::Definition &definition, QObject *parent);
    void applyFormat(int offset, int length, const KSyntaxHighlighting::Format &format) override;
    void styleRange(int from, int to, int style);
    void styleNames(int offset, int length, int otherwise);

    QList<KSyntaxHighlighting::Format> m_formats; ///< by style number (see styleOf)
    QHash<int, int> m_styleOf; ///< Format::id() → style
    QList<KSyntaxHighlighting::State> m_lineEnds; ///< the highlighter's state after each line
    QSet<QString> m_names; ///< lower case
    // The line being styled: its text, and the UTF-8 byte offset of each of its UTF-16 units.
    QString m_line;
    QList<int> m_bytes;
    int m_styledTo = 0; ///< in UTF-16 units
};

} // namespace salvage
