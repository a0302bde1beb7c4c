#include "mainwindow.h"
#include <QTest>
class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opens() { salvage::MainWindow window; window.show(); QVERIFY(QTest::qWaitForWindowExposed(&window)); }
};
QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
