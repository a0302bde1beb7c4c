#include "diff/keyrangepartitioner.h"

#include <QTest>

#include <limits>

using namespace salvage;
using namespace Qt::StringLiterals;

// Even key ranges (KeyRangePartitioner::even) from both sides' bounds and histograms: when they are
// chosen, how wide they are, and the ends each range is read back with.
class TestKeyRanges : public QObject
{
    Q_OBJECT

    static Column column(const QString &typeName)
    {
        Column c;
        c.name = QStringLiteral("id");
        c.typeName = typeName;
        c.type = typeName == QLatin1String("int8") ? QStringLiteral("bigint") : typeName;
        return c;
    }

    // A side holding `rows` keys from `low` to `high` whose histogram has bounds spread evenly.
    static KeyBounds evenSide(qint64 low, qint64 high, double rows)
    {
        KeyBounds side;
        side.minKey = QString::number(low);
        side.maxKey = QString::number(high);
        side.reltuples = rows;
        QStringList bounds;
        for (int i = 0; i <= 100; ++i)
            bounds << QString::number(low + (high - low) / 100 * i);
        side.histogram = u'{' + bounds.join(u',') + u'}';
        return side;
    }

private Q_SLOTS:
    static KeyBounds side(qint64 low, qint64 high, double rows, const QList<qint64> &bounds)
    {
        KeyBounds out;
        out.minKey = QString::number(low);
        out.maxKey = QString::number(high);
        out.reltuples = rows;
        QStringList parts;
        for (qint64 bound : bounds)
            parts << QString::number(bound);
        out.histogram = u'{' + parts.join(u',') + u'}';
        return out;
    }

    void serialKeysGetEvenRangesOverBothSides()
    {
        // Live holds 20,000 keys more, past the backup's largest: they get a stretch of their own.
        const KeyBounds backup = evenSide(1, 100000, 100000);
        const KeyBounds live = evenSide(1, 120000, 120000);
        const auto ranges = KeyRangePartitioner::even(column(QStringLiteral("int8")), backup, live);
        QVERIFY(ranges);
        QCOMPARE(ranges->origin, 1);
        QCOMPARE(ranges->last, 120000);
        QCOMPARE(ranges->split, 100000);
        QCOMPARE(ranges->step, 16); // 100,000 rows in ranges of 16 over 100,000 keys
        QCOMPARE(ranges->tailStep, 16);
        QCOMPARE(ranges->headBuckets(), 6250);
        QCOMPARE(ranges->bucketCount(), 7500);
        QVERIFY(!ranges->thresholdsParameter());
        QCOMPARE(ranges->bucketExpression(1),
            QStringLiteral(
                "(CASE WHEN \"id\" <= 100000 THEN ((\"id\" - (1)) / 16) ELSE 6250 + (\"id\" - (100001)) / 16 END)"));
        const KeyRanges::Span first = ranges->span(0, QStringLiteral("1"), QStringLiteral("100000"));
        QCOMPARE(first.low, QStringLiteral("1"));
        QCOMPARE(first.high, QStringLiteral("16"));
        QVERIFY(first.closed);
        // The head's last range ends at the backup's largest key, the tail's at live's.
        QCOMPARE(ranges->span(6249, QString(), QString()).low, QStringLiteral("99985"));
        QCOMPARE(ranges->span(6249, QString(), QString()).high, QStringLiteral("100000"));
        QCOMPARE(ranges->span(6250, QString(), QString()).low, QStringLiteral("100001"));
        const KeyRanges::Span last = ranges->span(7499, QStringLiteral("1"), QStringLiteral("100000"));
        QCOMPARE(last.low, QStringLiteral("119985"));
        QCOMPARE(last.high, QStringLiteral("120000"));
    }

    void newKeysPackedTighterGetNarrowerRanges()
    {
        // The backup: 100,000 keys 100 apart. Live: those and 20,000 keys written since, one apart
        // (like the demo's statuses of the last hours): one step for both would put 1,600 of
        // them into one range.
        QList<qint64> backupBounds, liveBounds;
        for (int i = 0; i <= 100; ++i)
            backupBounds << 1 + qint64(i) * 99999;
        for (int i = 0; i <= 83; ++i)
            liveBounds << 1 + qint64(i) * 119046;
        for (int j = 1; j <= 17; ++j)
            liveBounds << 9999901 + qint64(j) * 1182;
        const auto ranges = KeyRangePartitioner::even(column(QStringLiteral("int8")),
            side(1, 9999901, 100000, backupBounds), side(1, 10020000, 120000, liveBounds));
        QVERIFY(ranges);
        QCOMPARE(ranges->split, 9999901);
        QVERIFY2(ranges->step >= 1500 && ranges->step <= 1700, qPrintable(QString::number(ranges->step)));
        QVERIFY2(ranges->tailStep >= 14 && ranges->tailStep <= 20, qPrintable(QString::number(ranges->tailStep)));
        QCOMPARE(ranges->span(ranges->bucketCount() - 1, QString(), QString()).high, QStringLiteral("10020000"));
    }

    void negativeKeysAndOneEmptySide()
    {
        KeyBounds backup = evenSide(-50000, 49999, 100000);
        const KeyBounds live; // empty table
        const auto ranges = KeyRangePartitioner::even(column(QStringLiteral("int4")), backup, live);
        QVERIFY(ranges);
        QCOMPARE(ranges->origin, -50000);
        QCOMPARE(ranges->tailStep, 0);
        QCOMPARE(ranges->bucketExpression(1, QStringLiteral("t")), QStringLiteral("((t.\"id\" - (-50000)) / 16)"));
        QCOMPARE(ranges->span(1, QString(), QString()).low, QStringLiteral("-49984"));
    }

    void intKeysNearTheirLimitAreComputedInBigint()
    {
        const qint64 max = std::numeric_limits<qint32>::max();
        const auto ranges = KeyRangePartitioner::even(
            column(QStringLiteral("int4")), evenSide(-max, max, 1e6), evenSide(-max, max, 1e6));
        QVERIFY(ranges);
        QVERIFY(ranges->bucketExpression(1).contains(QStringLiteral("::int8")));
        const KeyRanges::Span last = ranges->span(ranges->bucketCount() - 1, QString(), QString());
        QCOMPARE(last.high, QString::number(max));
    }

    void keysSpanningMoreThanBigintHoldsAreSampled()
    {
        const qint64 max = std::numeric_limits<qint64>::max();
        KeyBounds side;
        side.minKey = QString::number(-max);
        side.maxKey = QString::number(max / 2);
        side.reltuples = 1e6;
        side.histogram = QStringLiteral("{%1,0,%2}").arg(-max).arg(max / 2);
        QVERIFY(!KeyRangePartitioner::even(column(QStringLiteral("int8")), side, side));
    }

    void aDenseClusterIsSampled()
    {
        // Half the rows within 1,000 keys, the rest over a billion: even ranges of the average
        // width would put thousands of rows into one range.
        KeyBounds side;
        side.minKey = QStringLiteral("1");
        side.maxKey = QStringLiteral("1000000000");
        side.reltuples = 100000;
        QStringList bounds;
        for (int i = 0; i <= 50; ++i)
            bounds << QString::number(1 + i * 20);
        for (int i = 1; i <= 50; ++i)
            bounds << QString::number(qint64(i) * 20000000);
        side.histogram = u'{' + bounds.join(u',') + u'}';
        QVERIFY(!KeyRangePartitioner::even(column(QStringLiteral("int8")), side, side));
    }

    // 10 M rows over 100 stretches of a billion keys, the middle one `narrowing` times narrower.
    static KeyBounds largeSide(double narrowing)
    {
        QList<qint64> bounds { 1 };
        for (int i = 0; i < 100; ++i)
            bounds << bounds.last() + (i == 50 ? qint64(1e9 / narrowing) : qint64(1e9));
        return side(1, bounds.last(), 1e7, bounds);
    }

    void aLargeTableIsJudgedByItsOwnRowsARange()
    {
        // 200,000 ranges hold 50 rows each on average, the narrower stretch 67: 4x a range of 16
        // refused them (statuses at demo scale 300 were sampled for this), 4x the average does not.
        const auto ranges = KeyRangePartitioner::even(column(QStringLiteral("int8")), largeSide(1.33), largeSide(1.33));
        QVERIFY(ranges);
        QVERIFY2(ranges->bucketCount() > 190000 && ranges->bucketCount() <= 200000,
            qPrintable(QString::number(ranges->bucketCount())));
        // Five times the average is still too dense.
        QVERIFY(!KeyRangePartitioner::even(column(QStringLiteral("int8")), largeSide(5), largeSide(5)));
    }

    void noHistogramNoEvenRanges()
    {
        KeyBounds side = evenSide(1, 100000, 100000);
        side.histogram.clear();
        QVERIFY(!KeyRangePartitioner::even(column(QStringLiteral("int8")), side, side));
    }

    void otherKeyTypesAreSampled()
    {
        const KeyBounds side = evenSide(1, 100000, 100000);
        QVERIFY(!KeyRangePartitioner::even(column(QStringLiteral("numeric")), side, side));
        QVERIFY(!KeyRangePartitioner::even(column(QStringLiteral("text")), side, side));
    }

    void aSmallTableIsOneRange()
    {
        const KeyBounds side = evenSide(1, 20, 20);
        QVERIFY(!KeyRangePartitioner::even(column(QStringLiteral("int8")), side, side));
    }

    void keysPastTheBackupsLargestGetARangeOfTheirOwn()
    {
        KeyRanges sampled;
        sampled.column = column(QStringLiteral("int8"));
        sampled.thresholds = { QStringLiteral("100"), QStringLiteral("200") };
        sampled.setApartKeysAbove(QStringLiteral("250"), QStringLiteral("900"));
        QCOMPARE(sampled.thresholds, QStringList({ u"100"_s, u"200"_s, u"251"_s }));
        QCOMPARE(sampled.bucketCount(), 4);
        const KeyRanges::Span backupsLast = sampled.span(2, u"1"_s, u"900"_s);
        QCOMPARE(backupsLast.low, u"200"_s);
        QCOMPARE(backupsLast.high, u"251"_s);
        QVERIFY(!backupsLast.closed); // up to 250
        const KeyRanges::Span newKeys = sampled.span(3, u"1"_s, u"900"_s);
        QCOMPARE(newKeys.low, u"251"_s);
        QCOMPARE(newKeys.high, u"900"_s);
        QVERIFY(newKeys.closed);

        // A small table (no thresholds) is split the same way; the new threshold may be int4's largest value.
        KeyRanges small;
        small.column = column(QStringLiteral("int4"));
        small.setApartKeysAbove(QStringLiteral("2147483646"), QStringLiteral("2147483647"));
        QCOMPARE(small.thresholds, QStringList({ u"2147483647"_s }));

        // Nothing written past the backup's largest key, a key that is not an integer, even ranges:
        // unchanged.
        KeyRanges same = sampled;
        same.setApartKeysAbove(QStringLiteral("900"), QStringLiteral("900"));
        QCOMPARE(same.thresholds, sampled.thresholds);
        KeyRanges text;
        text.column = column(QStringLiteral("text"));
        text.thresholds = { QStringLiteral("m") };
        text.setApartKeysAbove(QStringLiteral("5"), QStringLiteral("9"));
        QCOMPARE(text.thresholds, QStringList({ u"m"_s }));
        const auto even = KeyRangePartitioner::even(
            column(QStringLiteral("int8")), evenSide(1, 100000, 100000), evenSide(1, 120000, 120000));
        QVERIFY(even);
        KeyRanges evenCopy = *even;
        evenCopy.setApartKeysAbove(QStringLiteral("100000"), QStringLiteral("120000"));
        QVERIFY(evenCopy.thresholds.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestKeyRanges)
#include "tst_keyranges.moc"
