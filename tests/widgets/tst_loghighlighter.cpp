#include "loghighlighter.h"

#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

using namespace salvage;

class TestLogHighlighter : public QObject
{
    Q_OBJECT

    /// The format applied at `position` of the first block.
    static QTextCharFormat formatAt(const QTextDocument &document, int position)
    {
        for (const QTextLayout::FormatRange &range : document.firstBlock().layout()->formats()) {
            if (position >= range.start && position < range.start + range.length)
                return range.format;
        }
        return {};
    }

private Q_SLOTS:
    void highlightsWhatMatters()
    {
        QTextDocument document;
        auto *highlighter = new LogHighlighter(&document);
        const QString line = QStringLiteral(
            "2024-05-02 14:41:07.123 CEST [812] ERROR:  duplicate key value jid=403379ed44f88ec4b2c20e13 \"quoted\"");
        document.setPlainText(line);
        highlighter->rehighlight();
        const QTextCharFormat timestamp = formatAt(document, 2);
        const QTextCharFormat level = formatAt(document, int(line.indexOf(QStringLiteral("ERROR"))) + 1);
        const QTextCharFormat key = formatAt(document, int(line.indexOf(QStringLiteral("jid"))));
        const QTextCharFormat quoted = formatAt(document, int(line.indexOf(QStringLiteral("\"quoted"))) + 2);
        const QTextCharFormat plain = formatAt(document, int(line.indexOf(QStringLiteral("duplicate"))));
        QVERIFY(timestamp.hasProperty(QTextFormat::ForegroundBrush));
        QCOMPARE(level.fontWeight(), int(QFont::Bold));
        QVERIFY(level.foreground().color() != timestamp.foreground().color());
        QVERIFY(key.hasProperty(QTextFormat::ForegroundBrush));
        QVERIFY(quoted.hasProperty(QTextFormat::ForegroundBrush));
        QVERIFY(!plain.hasProperty(QTextFormat::ForegroundBrush));
    }

    void attachGivesAHighlighter()
    {
        QTextDocument document;
        QSyntaxHighlighter *highlighter = LogHighlighter::attach(&document);
        QVERIFY(highlighter);
        document.setPlainText(QStringLiteral("W, [2024-12-26T20:30:54.058125 #1514]  WARN -- : slow"));
        highlighter->rehighlight();
        QVERIFY(!document.firstBlock().layout()->formats().isEmpty());
    }
};

QTEST_MAIN(TestLogHighlighter)
#include "tst_loghighlighter.moc"
