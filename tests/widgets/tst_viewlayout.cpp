// Layout and palette of the views: the window fits a 1280×800 screen, and the marks' colours come
// from the palette and stay readable in the light and the dark theme.
#include "mainwindow.h"
#include "markdelegate.h"
#include "statecolours.h"
#include "theme.h"
#include "timelinecanvas.h"

#include <QApplication>
#include <QHeaderView>
#include <QScreen>
#include <QSettings>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <cmath>

using namespace salvage;

namespace {

/// WCAG contrast ratio of two colours.
double contrast(const QColor &a, const QColor &b)
{
    auto luminance = [](const QColor &c) {
        auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a);
    const double lb = luminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

/// The widest minimum among `widget`'s descendants, to name the culprit when a view is too wide.
QString widest(QWidget *widget)
{
    QString name;
    int width = 0;
    for (QWidget *child : widget->findChildren<QWidget *>()) {
        if (!child->isVisibleTo(widget) || child->minimumSizeHint().width() <= width)
            continue;
        width = child->minimumSizeHint().width();
        name = QStringLiteral("%1 %2 (%3 px)")
                   .arg(QString::fromLatin1(child->metaObject()->className()), child->objectName())
                   .arg(width);
    }
    return name;
}

} // namespace

class TestViewLayout : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void theWindowFitsA1280By800Screen()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QSize minimum = window.minimumSizeHint();
        auto *views = window.findChild<QTabWidget *>();
        QVERIFY(views);
        // Each view fits between the two source docks at their narrowest.
        QStringList tooWide;
        if (qEnvironmentVariableIsSet("SALVAGE_LAYOUT_DEBUG")) {
            for (QWidget *child : views->findChildren<QWidget *>())
                if (child->minimumSizeHint().width() > 150)
                    qDebug() << child->metaObject()->className() << child->objectName() << child->minimumSizeHint()
                             << (child->parentWidget() ? child->parentWidget()->metaObject()->className() : "");
        }
        for (int tab = 0; tab < views->count(); ++tab) {
            QWidget *view = views->widget(tab);
            if (view->minimumSizeHint().width() > 1280 - 2 * 240)
                tooWide << QStringLiteral("%1 needs %2 px; widest: %3")
                               .arg(views->tabText(tab))
                               .arg(view->minimumSizeHint().width())
                               .arg(widest(view));
        }
        QVERIFY2(minimum.width() <= 1280 && minimum.height() <= 800,
            qPrintable(QStringLiteral("%1×%2; %3")
                           .arg(minimum.width())
                           .arg(minimum.height())
                           .arg(tooWide.join(QStringLiteral("; ")))));
        // A first start takes the screen it is on, not a size made for a larger one.
        const QRect available = window.screen()->availableGeometry();
        QVERIFY2(
            window.width() <= qMax(available.width(), minimum.width()), qPrintable(QString::number(window.width())));
    }

    // A 4K desktop without scaling sets a large font: every table's rows and the timeline's lanes
    // grow with it (row heights are measured in the font, never fixed pixels).
    void rowsFollowALargeFont()
    {
        const QFont normal = QApplication::font();
        QFont large = normal;
        large.setPixelSize(30);
        QApplication::setFont(large);
        {
            MainWindow window;
            window.resize(3840, 2160);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            const QList<QTableView *> tables = window.findChildren<QTableView *>();
            QVERIFY(tables.size() >= 5);
            for (QTableView *table : tables) {
                const int text = table->fontMetrics().height();
                QVERIFY(text >= 30);
                QVERIFY2(table->verticalHeader()->defaultSectionSize() >= text,
                    qPrintable(QStringLiteral("%1: rows of %2 px for text of %3 px")
                                   .arg(table->objectName())
                                   .arg(table->verticalHeader()->defaultSectionSize())
                                   .arg(text)));
            }
            auto *canvas = window.findChild<TimelineCanvas *>();
            QVERIFY(canvas);
            QVERIFY(canvas->laneHeight() >= canvas->fontMetrics().height());
        }
        QApplication::setFont(normal);
    }

    void marksAreReadableInEveryTheme_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::newRow("light") << QStringLiteral("light");
        QTest::newRow("dark") << QStringLiteral("dark");
    }

    void marksAreReadableInEveryTheme()
    {
        QFETCH(QString, theme);
        theme::apply(theme::fromString(theme));
        const QPalette palette = QApplication::palette();
        const QColor base = palette.color(QPalette::Base);
        const QColor text = palette.color(QPalette::Text);
        for (const Mark mark :
            { Mark::Lost, Mark::New, Mark::Changed, Mark::Moved, Mark::Error, Mark::Warning, Mark::Info }) {
            const QColor foreground = StateColours::foreground(mark, palette);
            QVERIFY2(contrast(foreground, base) >= 3.0,
                qPrintable(QStringLiteral("mark %1: %2 on %3").arg(int(mark)).arg(foreground.name(), base.name())));
            // A tinted cell keeps the palette's text readable, and differs from a plain one.
            const QColor tint = StateColours::background(mark, palette);
            QVERIFY2(contrast(text, tint) >= 4.5, qPrintable(QStringLiteral("mark %1").arg(int(mark))));
        }
        for (const Mark mark : { Mark::Lost, Mark::New, Mark::Changed, Mark::Moved })
            QVERIFY(StateColours::background(mark, palette) != base);
        // Lost, new and changed are told apart.
        QVERIFY(StateColours::foreground(Mark::Lost, palette) != StateColours::foreground(Mark::New, palette));
        QVERIFY(StateColours::background(Mark::Lost, palette) != StateColours::background(Mark::Changed, palette));
        // The palette's link colour is readable on its base (key links in the timeline).
        QVERIFY(contrast(palette.color(QPalette::Link), base) >= 3.0);
        theme::apply(theme::Choice::System);
    }

    void starsShowAndToggleInTheDarkTheme()
    {
        theme::apply(theme::Choice::Dark);
        QStandardItemModel model(2, 2);
        for (int row = 0; row < 2; ++row) {
            auto *star = new QStandardItem;
            star->setCheckable(true);
            star->setCheckState(row == 0 ? Qt::Checked : Qt::Unchecked);
            model.setItem(row, 0, star);
            model.setItem(row, 1, new QStandardItem(QStringLiteral("event %1").arg(row)));
        }
        QTableView view;
        view.setModel(&model);
        view.setItemDelegate(new MarkDelegate(&view));
        view.setItemDelegateForColumn(0, new StarDelegate(&view));
        view.resize(400, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        // The starred row's glyph is drawn in the star colour, visible on the dark base.
        const QColor starColour = StateColours::foreground(Mark::Warning, view.palette());
        auto hasColour = [&](const QRect &cell, const QColor &colour) {
            const QImage image = view.viewport()->grab().toImage();
            for (int y = cell.top(); y <= cell.bottom(); ++y)
                for (int x = cell.left(); x <= cell.right(); ++x) {
                    const QColor pixel = image.pixelColor(x, y);
                    if (qAbs(pixel.red() - colour.red()) < 30 && qAbs(pixel.green() - colour.green()) < 30
                        && qAbs(pixel.blue() - colour.blue()) < 30)
                        return true;
                }
            return false;
        };
        view.clearSelection();
        QVERIFY(hasColour(view.visualRect(model.index(0, 0)), starColour));
        QVERIFY(!hasColour(view.visualRect(model.index(1, 0)), starColour));
        QCOMPARE(model.index(0, 0).data(Qt::DisplayRole).toString(), QString()); // the glyph is the delegate's

        // A click toggles the star either way; so does Space.
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.visualRect(model.index(1, 0)).center());
        QCOMPARE(model.item(1, 0)->checkState(), Qt::Checked);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.visualRect(model.index(0, 0)).center());
        QCOMPARE(model.item(0, 0)->checkState(), Qt::Unchecked);
        QVERIFY(hasColour(view.visualRect(model.index(1, 0)), starColour));
        view.setCurrentIndex(model.index(1, 0));
        QTest::keyClick(view.viewport(), Qt::Key_Space);
        QCOMPARE(model.item(1, 0)->checkState(), Qt::Unchecked);
        theme::apply(theme::Choice::System);
    }
};

QTEST_MAIN(TestViewLayout)
#include "tst_viewlayout.moc"
