#include "undorefuseddialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace salvage {

UndoRefusedDialog::UndoRefusedDialog(const UndoGuard::Refusal &refusal, const QString &where, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Undo refused"));
    auto *intro = new QLabel(tr("The undo was refused and nothing was changed: %n row(s) on %1 changed since the "
                                "run. Undoing anyway overwrites these changes, and deleting a row the run wrote "
                                "also deletes rows that reference it.",
                                 nullptr, int(refusal.count))
                                 .arg(where),
        this);
    intro->setWordWrap(true);

    auto *rows = new QListWidget(this);
    rows->setObjectName(QStringLiteral("refusedRows"));
    rows->addItems(refusal.rows);
    if (refusal.count > refusal.rows.size())
        rows->addItem(tr("… the first %1 of %2 are listed").arg(refusal.rows.size()).arg(refusal.count));

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *keep = buttons->addButton(tr("&Keep LIVE as it is"), QDialogButtonBox::RejectRole);
    QPushButton *force
        = buttons->addButton(tr("&Undo anyway, overwriting these %n row(s)", nullptr, int(refusal.count)),
            QDialogButtonBox::DestructiveRole);
    keep->setObjectName(QStringLiteral("keepLive"));
    force->setObjectName(QStringLiteral("undoAnyway"));
    keep->setDefault(true);
    keep->setFocus();
    connect(keep, &QPushButton::clicked, this, &QDialog::reject);
    connect(force, &QPushButton::clicked, this, &QDialog::accept);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(rows, 1);
    layout->addWidget(buttons);
    resize(720, 400);
}

} // namespace salvage
