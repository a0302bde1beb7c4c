// Built only with KF6 SyntaxHighlighting: the SQL editor colours through KSyntaxHighlighting's
// PostgreSQL definition and the default theme that matches the palette.
#include "kf6/themedsqllexer.h"
#include "sqleditor.h"

#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/Theme>
#include <QApplication>
#include <QPalette>
#include <QTest>

using namespace salvage;

class TestSqlHighlighting : public QObject
{
    Q_OBJECT

    static constexpr const char *kSql = "SELECT display_name, 'lost' FROM accounts WHERE id = 42; -- é, kept\n"
                                        "/* two\nlines */ UPDATE accounts SET note = NULL;\n";

    static ThemedSqlLexer *themed(SqlEditor &editor)
    {
        editor.setText(QString::fromUtf8(kSql));
        editor.SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0, -1);
        return qobject_cast<ThemedSqlLexer *>(editor.lexer());
    }

    static int styleAt(SqlEditor &editor, const char *word, int occurrence = 0)
    {
        const QByteArray sql(kSql);
        qsizetype at = -1;
        for (int i = 0; i <= occurrence; ++i)
            at = sql.indexOf(word, at + 1);
        Q_ASSERT(at >= 0);
        return int(editor.SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, static_cast<unsigned long>(at)));
    }

    static KSyntaxHighlighting::Theme theme(bool dark)
    {
        static KSyntaxHighlighting::Repository repository;
        return repository.defaultTheme(
            dark ? KSyntaxHighlighting::Repository::DarkTheme : KSyntaxHighlighting::Repository::LightTheme);
    }

private Q_SLOTS:
    void keywordsAreHighlighted()
    {
        SqlEditor editor;
        ThemedSqlLexer *lexer = themed(editor);
        QVERIFY2(lexer, "built with KF6 SyntaxHighlighting, the editor must use its PostgreSQL definition");

        const int select = styleAt(editor, "SELECT");
        QCOMPARE(lexer->description(select), QStringLiteral("Keyword"));
        QCOMPARE(styleAt(editor, "WHERE"), select);
        QCOMPARE(styleAt(editor, "UPDATE"), select); // after a comment over two lines
        QVERIFY(styleAt(editor, "display_name") != select);
        QVERIFY(styleAt(editor, "lines") != select); // inside the comment
        QCOMPARE(lexer->description(styleAt(editor, "lines")), lexer->description(styleAt(editor, "two")));
        QVERIFY(lexer->description(styleAt(editor, "'lost'")).contains(QLatin1String("string"), Qt::CaseInsensitive));

        // Coloured as the light theme colours keywords (the test runs with a light palette).
        const KSyntaxHighlighting::Theme light = theme(false);
        QCOMPARE(lexer->color(select), QColor::fromRgba(light.textColor(KSyntaxHighlighting::Theme::Keyword)));
        QCOMPARE(lexer->font(select).bold(), light.isBold(KSyntaxHighlighting::Theme::Keyword));
        QCOMPARE(
            lexer->paper(select), QColor::fromRgba(light.editorColor(KSyntaxHighlighting::Theme::BackgroundColor)));
    }

    void schemaNamesHaveTheirOwnStyle()
    {
        SqlEditor editor;
        ThemedSqlLexer *lexer = themed(editor);
        QVERIFY(lexer);
        QVERIFY(styleAt(editor, "accounts") != ThemedSqlLexer::kNameStyle);

        Schema schema;
        Table table;
        table.schema = QStringLiteral("public");
        table.name = QStringLiteral("accounts");
        Column column;
        column.name = QStringLiteral("display_name");
        table.columns << column;
        schema.tables << table;
        editor.setSchema(schema);
        editor.SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0, -1);

        QCOMPARE(styleAt(editor, "accounts"), ThemedSqlLexer::kNameStyle);
        QCOMPARE(styleAt(editor, "accounts", 1), ThemedSqlLexer::kNameStyle);
        QCOMPARE(styleAt(editor, "display_name"), ThemedSqlLexer::kNameStyle);
        QVERIFY(styleAt(editor, "note") != ThemedSqlLexer::kNameStyle);
        QCOMPARE(lexer->description(styleAt(editor, "SELECT")), QStringLiteral("Keyword"));
    }

    void aDarkPaletteGetsTheDarkTheme()
    {
        const QPalette saved = QApplication::palette();
        QPalette dark = saved;
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        QApplication::setPalette(dark);
        SqlEditor editor;
        ThemedSqlLexer *lexer = themed(editor);
        QApplication::setPalette(saved);
        QVERIFY(lexer);

        const int select = styleAt(editor, "SELECT");
        const KSyntaxHighlighting::Theme night = theme(true);
        QCOMPARE(lexer->color(select), QColor::fromRgba(night.textColor(KSyntaxHighlighting::Theme::Keyword)));
        QVERIFY(lexer->paper(select).lightness() < 128);
    }
};

QTEST_MAIN(TestSqlHighlighting)
#include "tst_sqlhighlighting.moc"
