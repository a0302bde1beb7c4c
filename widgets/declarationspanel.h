#pragma once

#include "db/connection.h"
#include "restore/declarationcandidates.h"
#include "restore/declarations.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace salvage {

/// The Restore view's Declarations tab: relations, uniqueness and rules the operator declares
/// (typed in, or accepted from candidates found on BACKUP off the GUI thread), and whether the plan
/// recomputes counter caches. The declarations belong to the workspace.
class DeclarationsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DeclarationsPanel(Connection *backup, QWidget *parent = nullptr);

    Declarations declarations() const { return m_declarations; }
    void setDeclarations(const Declarations &declarations);
    bool recomputeCounters() const;

    /// Adds one declaration as the CLI spells it, of kind "relation", "unique" or "rule"; false
    /// (and the reason shown) when malformed.
    bool addDeclaration(const QString &kind, const QString &text);

Q_SIGNALS:
    /// The operator added or removed a declaration (the workspace should be saved).
    void changed();
    /// A candidate search ended; `count` candidates are listed.
    void candidatesFound(int count);

private:
    void addTyped();
    void removeSelected();
    void findCandidates();
    void cancelCandidates();
    void showCandidates(const QList<DeclarationCandidate> &candidates);
    void showDeclarations();
    void setSearching(bool searching);

    Connection *m_backup;
    Declarations m_declarations;
    QTreeWidget *m_declared;
    QComboBox *m_kind;
    QLineEdit *m_text;
    QLabel *m_message;
    QCheckBox *m_recompute;
    QPushButton *m_find;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QTreeWidget *m_candidates;
    Connection::JobId m_job = 0;
};

} // namespace salvage
