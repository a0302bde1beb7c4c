#include "sqleditor.h"

#include "sqllexer.h"
#ifdef SALVAGE_HAVE_KSYNTAXHIGHLIGHTING
#include "kf6/themedsqllexer.h"
#endif

#include <QApplication>
#include <QEvent>
#include <QFontDatabase>
#include <QPalette>
#include <QSet>
#include <QTimer>
#include <Qsci/qsciapis.h>
#include <Qsci/qscilexersql.h>

namespace salvage {

namespace {

/// QsciLexerSQL whose fifth keyword set holds the schema's names (QScintilla wants them lower case).
class SchemaSqlLexer : public QsciLexerSQL, public SqlLexer
{
public:
    explicit SchemaSqlLexer(QObject *parent)
        : QsciLexerSQL(parent)
    {
        const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        setDefaultFont(mono);
        setFont(mono);
    }

    QsciLexer *lexer() override { return this; }

    const char *keywords(int set) const override
    {
        if (set == 5)
            return m_names.constData();
        return QsciLexerSQL::keywords(set);
    }

    void setNames(const QStringList &names) override { m_names = names.join(QLatin1Char(' ')).toLower().toUtf8(); }

    void applyPalette(const QPalette &palette) override
    {
        const bool dark = palette.color(QPalette::Base).lightness() < 128;
        setPaper(palette.color(QPalette::Base));
        setColor(palette.color(QPalette::Text));
        setColor(dark ? QColor(0x6c, 0xb6, 0xff) : QColor(0x00, 0x33, 0x99), Keyword);
        setColor(dark ? QColor(0xe5, 0xc0, 0x7b) : QColor(0x80, 0x50, 0x00), KeywordSet5);
        setColor(dark ? QColor(0x98, 0xc3, 0x79) : QColor(0x20, 0x70, 0x20), SingleQuotedString);
        setColor(dark ? QColor(0x98, 0xc3, 0x79) : QColor(0x20, 0x70, 0x20), DoubleQuotedString);
        setColor(dark ? QColor(0x7f, 0x84, 0x8e) : QColor(0x70, 0x70, 0x70), Comment);
        setColor(dark ? QColor(0x7f, 0x84, 0x8e) : QColor(0x70, 0x70, 0x70), CommentLine);
        setColor(dark ? QColor(0xd1, 0x9a, 0x66) : QColor(0x99, 0x00, 0x99), Number);
    }

private:
    QByteArray m_names;
};

SqlLexer *makeLexer(QObject *parent)
{
#ifdef SALVAGE_HAVE_KSYNTAXHIGHLIGHTING
    if (SqlLexer *themed = ThemedSqlLexer::create(parent))
        return themed;
#endif
    return new SchemaSqlLexer(parent);
}

} // namespace

SqlEditor::SqlEditor(QWidget *parent)
    : QsciScintilla(parent)
    , m_lexer(makeLexer(this))
    , m_apis(new QsciAPIs(m_lexer->lexer()))
    , m_prepareTimer(new QTimer(this))
{
    // QScintilla prepares completion on a thread of its own that must never overlap another
    // preparation nor outlive the editor: schemas arriving together make one preparation, started
    // once the event loop is idle, and the next waits for the one running.
    m_prepareTimer->setSingleShot(true);
    m_prepareTimer->setInterval(50);
    connect(m_prepareTimer, &QTimer::timeout, this, &SqlEditor::prepareCompletion);
    const auto prepared = [this]() {
        m_preparing = false;
        if (m_words != m_preparedWords)
            m_prepareTimer->start();
    };
    connect(m_apis, &QsciAPIs::apiPreparationFinished, this, prepared);
    connect(m_apis, &QsciAPIs::apiPreparationCancelled, this, prepared);
    setLexer(m_lexer->lexer());
    setUtf8(true);
    setMarginType(0, NumberMargin);
    setMarginWidth(0, QStringLiteral("00000"));
    setMarginLineNumbers(0, true);
    setBraceMatching(SloppyBraceMatch);
    setAutoIndent(true);
    setTabWidth(4);
    setIndentationsUseTabs(false);
    setAutoCompletionSource(AcsAll);
    setAutoCompletionThreshold(2);
    setAutoCompletionCaseSensitivity(false);
    setCaretLineVisible(true);
    setWrapMode(WrapNone);
    m_errorMarker = markerDefine(QsciScintilla::RightTriangle);
    setMarkerBackgroundColor(QColor(0xd3, 0x54, 0x00), m_errorMarker);
    applyPalette();
}

SqlEditor::~SqlEditor()
{
    m_prepareTimer->stop();
    if (m_preparing)
        m_apis->cancelPreparation();
}

void SqlEditor::prepareCompletion()
{
    if (m_preparing || m_words == m_preparedWords)
        return;
    m_apis->clear();
    for (const QString &word : std::as_const(m_words))
        m_apis->add(word);
    m_preparedWords = m_words;
    m_preparing = true;
    m_apis->prepare();
}

void SqlEditor::applyPalette()
{
    const QPalette palette = QApplication::palette();
    m_lexer->applyPalette(palette);
    setMarginsBackgroundColor(palette.color(QPalette::Window));
    setMarginsForegroundColor(palette.color(QPalette::PlaceholderText));
    setCaretForegroundColor(palette.color(QPalette::Text));
    setCaretLineBackgroundColor(palette.color(QPalette::AlternateBase));
    setSelectionBackgroundColor(palette.color(QPalette::Highlight));
    setSelectionForegroundColor(palette.color(QPalette::HighlightedText));
}

bool SqlEditor::event(QEvent *event)
{
    if (event->type() == QEvent::ApplicationPaletteChange || event->type() == QEvent::PaletteChange)
        applyPalette();
    // An open completion list is a popup: under a window manager it takes the next click outside
    // it, so the first click on Run after typing would only close it. Close it when the pointer
    // or the focus leaves the editor.
    if ((event->type() == QEvent::Leave || event->type() == QEvent::FocusOut) && isListActive())
        cancelList();
    return QsciScintilla::event(event);
}

void SqlEditor::setSchema(const Schema &schema)
{
    QSet<QString> names;
    for (const Table &table : schema.tables) {
        names.insert(table.name);
        for (const Column &column : table.columns)
            names.insert(column.name);
    }
    QStringList sorted(names.cbegin(), names.cend());
    sorted.sort();
    m_lexer->setNames(sorted);
    recolor();
    m_words = sorted;
    m_prepareTimer->start();
}

void SqlEditor::markError(int line, const QString &message)
{
    markerAdd(line, m_errorMarker);
    annotate(line, message, 0);
    setAnnotationDisplay(AnnotationBoxed);
    ensureLineVisible(line);
}

void SqlEditor::clearErrors()
{
    markerDeleteAll(m_errorMarker);
    clearAnnotations();
}

bool SqlEditor::find(const QString &text, bool caseSensitive)
{
    return findFirst(text, false, caseSensitive, false, true);
}

QString SqlEditor::currentStatement() const
{
    if (hasSelectedText())
        return selectedText();
    const QString all = text();
    int line = 0;
    int index = 0;
    getCursorPosition(&line, &index);
    const int position = int(positionFromLineIndex(line, index));
    // Positions are byte offsets in UTF-8; map through the encoded text.
    const QByteArray utf8 = all.toUtf8();
    const qsizetype start = utf8.lastIndexOf(';', qMax(0, position - 1));
    qsizetype end = utf8.indexOf(';', position);
    if (end < 0)
        end = utf8.size();
    QString statement = QString::fromUtf8(utf8.mid(start + 1, end - start - 1)).trimmed();
    if (statement.isEmpty())
        statement = all.trimmed();
    return statement;
}

} // namespace salvage
