#include "aboutdialog.h"

#include "core/versions.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>
#include <Qsci/qsciglobal.h>

namespace salvage {

QString AboutDialog::versionsText()
{
    return versionReport() + QStringLiteral("\nQScintilla %1").arg(QStringLiteral(QSCINTILLA_VERSION_STR))
#ifdef SALVAGE_HAVE_KSYNTAXHIGHLIGHTING
        + QStringLiteral(", KSyntaxHighlighting")
#else
        + QStringLiteral(", built-in log highlighter (no KF6 SyntaxHighlighting)")
#endif
        ;
}

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About Salvage"));
    auto *title = new QLabel(QStringLiteral("<h2>Salvage %1</h2>").arg(QStringLiteral(SALVAGE_VERSION)), this);
    auto *text = new QLabel(tr("A workbench for data-loss incidents in PostgreSQL-backed services: live and backup "
                               "side by side, what differs and where rows moved, one timeline from every log, and "
                               "selective restores that are previewed, run in one transaction and can be undone."),
        this);
    text->setWordWrap(true);
    auto *versions = new QLabel(versionsText(), this);
    versions->setObjectName(QStringLiteral("versions"));
    versions->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(text);
    layout->addWidget(versions);
    layout->addWidget(buttons);
    setMinimumWidth(460);
}

} // namespace salvage
