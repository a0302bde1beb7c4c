#include "loghighlighter.h"

#include <QGuiApplication>
#include <QPalette>
#include <QTextDocument>

#ifdef SALVAGE_HAVE_KSYNTAXHIGHLIGHTING
#include "kf6/syntaxrepository.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>
#endif

namespace salvage {

namespace {

QTextCharFormat styled(const QColor &colour, bool bold = false)
{
    QTextCharFormat result;
    result.setForeground(colour);
    if (bold)
        result.setFontWeight(QFont::Bold);
    return result;
}

} // namespace

LogHighlighter::LogHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    const QColor time = dark ? QColor(0x8a, 0xb4, 0xf8) : QColor(0x1a, 0x4f, 0x9c);
    const QColor key = dark ? QColor(0xc5, 0x94, 0xc5) : QColor(0x7b, 0x1f, 0x7b);
    const QColor string = dark ? QColor(0x98, 0xc3, 0x79) : QColor(0x2e, 0x7d, 0x32);
    const QColor number = dark ? QColor(0xd1, 0x9a, 0x66) : QColor(0x9c, 0x4f, 0x00);
    const QColor error = dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc0, 0x1c, 0x28);
    const QColor warning = dark ? QColor(0xf0, 0xb0, 0x4a) : QColor(0xb3, 0x5c, 0x00);
    const QColor quiet = dark ? QColor(0x8a, 0x8d, 0x93) : QColor(0x70, 0x70, 0x70);
    using Option = QRegularExpression::PatternOption;
    auto rule = [this](const QString &pattern, const QTextCharFormat &style, int group = 0,
                    QRegularExpression::PatternOptions options = Option::NoPatternOption) {
        m_rules.append({ QRegularExpression(pattern, options), style, group });
    };
    // Later rules win where they overlap: levels and errors last.
    rule(QStringLiteral(R"(\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d| [A-Z]{2,5})?)"),
        styled(time));
    rule(QStringLiteral(R"(\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\])"), styled(time));
    rule(QStringLiteral(R"(\b\d+(?:\.\d+)?\b)"), styled(number));
    rule(QStringLiteral(R"(\b(?:\d{1,3}\.){3}\d{1,3}\b)"), styled(number));
    rule(QStringLiteral(R"(\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{16,}\b)"),
        styled(number), 0, Option::CaseInsensitiveOption);
    rule(QStringLiteral(R"(([A-Za-z_][\w.-]*)=)"), styled(key), 1);
    rule(QStringLiteral(R"("(?:[^"\\]|\\.)*")"), styled(string));
    rule(QStringLiteral(R"(\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b)"), styled(key, true));
    rule(QStringLiteral(R"(\b(?:DEBUG|TRACE|LOG|INFO|NOTICE|STATEMENT|DETAIL|HINT|CONTEXT)\b)"), styled(quiet, true));
    rule(QStringLiteral(R"(\b(?:WARN|WARNING)\b|\bW, \[)"), styled(warning, true));
    rule(QStringLiteral(R"(\b(?:ERROR|ERR|FATAL|PANIC|CRITICAL|fail)\b|\b[EF], \[| [45]\d\d (?=\d))"),
        styled(error, true));
}

void LogHighlighter::highlightBlock(const QString &text)
{
    for (const Rule &rule : std::as_const(m_rules)) {
        for (auto match = rule.pattern.globalMatch(text); match.hasNext();) {
            const QRegularExpressionMatch found = match.next();
            setFormat(int(found.capturedStart(rule.group)), int(found.capturedLength(rule.group)), rule.format);
        }
    }
}

QSyntaxHighlighter *LogHighlighter::attach(QTextDocument *document)
{
#ifdef SALVAGE_HAVE_KSYNTAXHIGHLIGHTING
    KSyntaxHighlighting::Repository &repository = syntaxRepository();
    const KSyntaxHighlighting::Definition definition = repository.definitionForName(QStringLiteral("Log File"));
    if (definition.isValid()) {
        auto *highlighter = new KSyntaxHighlighting::SyntaxHighlighter(document);
        const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
        highlighter->setTheme(repository.defaultTheme(
            dark ? KSyntaxHighlighting::Repository::DarkTheme : KSyntaxHighlighting::Repository::LightTheme));
        highlighter->setDefinition(definition);
        return highlighter;
    }
#endif
    return new LogHighlighter(document);
}

} // namespace salvage
