#include "themedsqllexer.h"

#include "syntaxrepository.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/Theme>
#include <QFontDatabase>
#include <QPalette>
#include <QRegularExpression>
#include <Qsci/qsciscintilla.h>

namespace salvage {

using KSyntaxHighlighting::Theme;

namespace {

constexpr int kDefaultStyle = 0;

// Scintilla keeps styles 32–39 for itself (default, line numbers, braces, …).
int nextFreeStyle(int style)
{
    ++style;
    return style >= QsciScintillaBase::STYLE_DEFAULT && style <= QsciScintillaBase::STYLE_LASTPREDEFINED
        ? QsciScintillaBase::STYLE_LASTPREDEFINED + 1
        : style;
}

} // namespace

ThemedSqlLexer *ThemedSqlLexer::create(QObject *parent)
{
    const KSyntaxHighlighting::Definition definition
        = syntaxRepository().definitionForName(QStringLiteral("SQL (PostgreSQL)"));
    return definition.isValid() ? new ThemedSqlLexer(definition, parent) : nullptr;
}

ThemedSqlLexer::ThemedSqlLexer(const KSyntaxHighlighting::Definition &definition, QObject *parent)
    : QsciLexerCustom(parent)
{
    setDefinition(definition);
    m_formats.resize(kNameStyle + 1);
    int style = kNameStyle;
    const QList<KSyntaxHighlighting::Format> formats = definition.formats();
    for (const KSyntaxHighlighting::Format &format : formats) {
        style = nextFreeStyle(style);
        if (style > QsciScintillaBase::STYLE_MAX)
            break; // the rest is drawn in the default style
        m_formats.resize(style + 1);
        m_formats[style] = format;
        m_styleOf.insert(format.id(), style);
    }
}

QString ThemedSqlLexer::description(int style) const
{
    if (style == kDefaultStyle)
        return QStringLiteral("Default");
    if (style == kNameStyle)
        return QStringLiteral("Schema name");
    if (style > 0 && style < m_formats.size() && m_formats.at(style).isValid())
        return m_formats.at(style).name();
    return QString();
}

void ThemedSqlLexer::setNames(const QStringList &names)
{
    m_names.clear();
    for (const QString &name : names)
        m_names.insert(name.toLower());
}

void ThemedSqlLexer::applyPalette(const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    const Theme theme = syntaxRepository().defaultTheme(
        dark ? KSyntaxHighlighting::Repository::DarkTheme : KSyntaxHighlighting::Repository::LightTheme);
    setTheme(theme);
    const QColor paper = QColor::fromRgba(theme.editorColor(Theme::BackgroundColor));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto paint = [&](int style, const QColor &colour, bool bold, bool italic, const QColor &background) {
        QFont font = mono;
        font.setBold(bold);
        font.setItalic(italic);
        setFont(font, style);
        setColor(colour, style);
        setPaper(background, style);
    };
    setDefaultFont(mono);
    setDefaultColor(QColor::fromRgba(theme.textColor(Theme::Normal)));
    setDefaultPaper(paper);
    paint(kDefaultStyle, QColor::fromRgba(theme.textColor(Theme::Normal)), false, false, paper);
    paint(kNameStyle, QColor::fromRgba(theme.textColor(Theme::Variable)), false, false, paper);
    for (int style = kNameStyle + 1; style < m_formats.size(); ++style) {
        const KSyntaxHighlighting::Format &format = m_formats.at(style);
        if (format.isValid())
            paint(style, format.textColor(theme), format.isBold(theme), format.isItalic(theme),
                format.hasBackgroundColor(theme) ? format.backgroundColor(theme) : paper);
    }
}

// Scintilla asks for the lines from the first one not styled yet (its end-styled position moves
// back to any edit), so the state after the line before `start` is always the one stored.
void ThemedSqlLexer::styleText(int start, int end)
{
    QsciScintilla *text = editor();
    if (!text)
        return;
    const int lines = text->lines();
    m_lineEnds.resize(lines);
    const int first = int(text->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, start));
    const int last = qMin(int(text->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, end)), lines - 1);
    const int length = int(text->SendScintilla(QsciScintillaBase::SCI_GETLENGTH));
    KSyntaxHighlighting::State state = first > 0 ? m_lineEnds.at(first - 1) : KSyntaxHighlighting::State();
    for (int line = first; line <= last; ++line) {
        const int lineStart = int(text->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, line));
        const int lineEnd = int(text->SendScintilla(QsciScintillaBase::SCI_GETLINEENDPOSITION, line));
        const int nextStart
            = line + 1 < lines ? int(text->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, line + 1)) : length;
        const QByteArray bytes = text->bytes(lineStart, lineEnd);
        m_line = QString::fromUtf8(bytes.constData(), qMin(bytes.size(), qsizetype(lineEnd - lineStart)));
        m_bytes.resize(m_line.size() + 1);
        m_bytes[0] = 0;
        for (qsizetype i = 0; i < m_line.size(); ++i) {
            const char16_t unit = m_line.at(i).unicode();
            const int size = unit < 0x80       ? 1
                : unit < 0x800                 ? 2
                : QChar::isHighSurrogate(unit) ? 4
                : QChar::isLowSurrogate(unit)  ? 0
                                               : 3;
            m_bytes[i + 1] = m_bytes[i] + size;
        }
        startStyling(lineStart);
        m_styledTo = 0;
        if (m_bytes.last() == lineEnd - lineStart) {
            state = highlightLine(m_line, state);
            styleRange(m_styledTo, int(m_line.size()), kDefaultStyle);
            setStyling(nextStart - lineEnd, kDefaultStyle);
        } else {
            setStyling(nextStart - lineStart, kDefaultStyle); // not valid UTF-8: left plain
        }
        m_lineEnds[line] = state;
    }
}

void ThemedSqlLexer::applyFormat(int offset, int length, const KSyntaxHighlighting::Format &format)
{
    if (offset < m_styledTo || offset + length > m_line.size())
        return;
    styleRange(m_styledTo, offset, kDefaultStyle);
    const int style = format.isValid() ? m_styleOf.value(format.id(), kDefaultStyle) : kDefaultStyle;
    if (format.textStyle() == Theme::Normal && !m_names.isEmpty())
        styleNames(offset, length, style);
    else
        styleRange(offset, offset + length, style);
}

void ThemedSqlLexer::styleRange(int from, int to, int style)
{
    if (to <= from)
        return;
    setStyling(m_bytes.at(to) - m_bytes.at(from), style);
    m_styledTo = to;
}

void ThemedSqlLexer::styleNames(int offset, int length, int otherwise)
{
    static const QRegularExpression word(QStringLiteral(R"([\p{L}_][\p{L}\p{N}_$]*)"));
    const QStringView range = QStringView(m_line).mid(offset, length);
    for (auto match = word.globalMatchView(range); match.hasNext();) {
        const QRegularExpressionMatch found = match.next();
        const int from = offset + int(found.capturedStart());
        const int to = offset + int(found.capturedEnd());
        styleRange(m_styledTo, from, otherwise);
        styleRange(from, to, m_names.contains(found.captured().toLower()) ? kNameStyle : otherwise);
    }
    styleRange(m_styledTo, offset + length, otherwise);
}

} // namespace salvage
