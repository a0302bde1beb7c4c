#include "mainwindow.h"
#include <QApplication>
int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    salvage::MainWindow window;
    window.show();
    return application.exec();
}
