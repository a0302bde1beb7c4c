#pragma once

#include "db/schema.h"

#include <Qsci/qsciscintilla.h>

class QsciAPIs;
class QTimer;

namespace salvage {

class SqlLexer;

/// The SQL editor used wherever Salvage shows SQL (console, restore scripts): PostgreSQL
/// highlighting (KSyntaxHighlighting's definition and theme when built with KF6 SyntaxHighlighting,
/// Scintilla's SQL lexer otherwise) that marks the schema's table and column names, completion fed
/// from the schema, line numbers, error markers, and find. Read-only until unlocked when asked.
class SqlEditor : public QsciScintilla
{
    Q_OBJECT
public:
    explicit SqlEditor(QWidget *parent = nullptr);
    ~SqlEditor() override;

    /// Table and column names for highlighting and completion; call whenever a schema is (re)loaded.
    void setSchema(const Schema &schema);

    /// Marks a line (0-based) as the one that failed, with the message as an annotation.
    void markError(int line, const QString &message);
    void clearErrors();

    /// Finds the next occurrence of `text` from the cursor, wrapping; false when absent.
    bool find(const QString &text, bool caseSensitive = false);

    /// The statement under the cursor (between semicolons), or the selection when there is one.
    QString currentStatement() const;

private:
    void applyPalette();
    bool event(QEvent *event) override;
    /// Hands the latest names to QScintilla's completion, one preparation at a time.
    void prepareCompletion();

    SqlLexer *m_lexer;
    QsciAPIs *m_apis;
    QTimer *m_prepareTimer;
    QStringList m_words; ///< the names completion should offer
    QStringList m_preparedWords; ///< the names of the last preparation started
    bool m_preparing = false;
    int m_errorMarker = 0;
};

} // namespace salvage
