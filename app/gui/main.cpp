// salvage: the workbench window.
#include "mainwindow.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("salvage"));
    QApplication::setOrganizationName(QStringLiteral("salvage"));
    QApplication::setApplicationDisplayName(QStringLiteral("Salvage"));
    QApplication::setApplicationVersion(QStringLiteral(SALVAGE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.salvage.Salvage"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/salvage.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Investigate data loss in PostgreSQL-backed services and restore it."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({ QStringLiteral("workspace"), QStringLiteral("Open a workspace file."), QStringLiteral("FILE") });
    parser.addOption(
        { QStringLiteral("live"), QStringLiteral("Connect LIVE (libpq conninfo or URI)."), QStringLiteral("CONN") });
    parser.addOption({ QStringLiteral("backup"), QStringLiteral("Connect BACKUP (libpq conninfo or URI)."),
        QStringLiteral("CONN") });
    parser.addOption({ QStringLiteral("theme"),
        QStringLiteral("Colours for this run: system, light or dark (View > Theme keeps a choice)."),
        QStringLiteral("THEME") });
    parser.process(application);

    const QString theme = parser.isSet(QStringLiteral("theme"))
        ? parser.value(QStringLiteral("theme"))
        : QSettings().value(QStringLiteral("ui/theme")).toString();
    salvage::theme::apply(salvage::theme::fromString(theme));

    salvage::MainWindow window;
    window.show();
    if (parser.isSet(QStringLiteral("workspace"))) {
        QString error;
        if (!window.openWorkspace(parser.value(QStringLiteral("workspace")), &error))
            QMessageBox::warning(&window, QStringLiteral("Salvage"), error);
    }
    if (parser.isSet(QStringLiteral("live")))
        window.connectSide(salvage::Side::Live, { QString(), parser.value(QStringLiteral("live")) });
    if (parser.isSet(QStringLiteral("backup")))
        window.connectSide(salvage::Side::Backup, { QString(), parser.value(QStringLiteral("backup")) });
    return application.exec();
}
