#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>

class QTextDocument;

namespace salvage {

/// The small built-in highlighter for raw log lines, used where KF6 SyntaxHighlighting is not
/// available (Debian 12): timestamps, levels (errors stand out), key=value keys, quoted strings,
/// IP addresses, ids and HTTP methods and statuses. Colours follow the palette (light or dark).
class LogHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit LogHighlighter(QTextDocument *document);

    /// Highlights `document` with KF6 SyntaxHighlighting's log definition when Salvage was built
    /// with it, else with a LogHighlighter. The highlighter is parented to the document.
    static QSyntaxHighlighter *attach(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;

private:
    struct Rule
    {
        QRegularExpression pattern;
        QTextCharFormat format;
        int group = 0;
    };
    QList<Rule> m_rules;
};

} // namespace salvage
