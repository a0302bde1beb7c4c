#include "mainwindow.h"
namespace salvage {
MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent) {}
}
