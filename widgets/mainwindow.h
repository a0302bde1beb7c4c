#pragma once
#include <QMainWindow>
namespace salvage {
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};
}
