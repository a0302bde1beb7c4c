#include "diff/multisetcomparator.h"

#include "db/arrayliteral.h"
#include "db/pqxxcompat.h"
#include "diff/bucketsums.h"
#include "diff/rowfetcher.h"
#include "diff/rowhasher.h"
#include "diff/sidepair.h"
#include "diff/tablecomparator.h"
#include "jobs/jobcontrol.h"

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
constexpr int kBucketMask = 1023;
constexpr int kBucketBatch = 64; // mismatching buckets fetched per statement

struct Copies
{
    int count = 0;
    QList<DiffValue> values;
};
} // namespace

MultisetComparator::MultisetComparator(
    SidePair &sides, const Table &backup, const Table &live, int serverVersionNum, JobControl &control)
    : m_sides(sides)
    , m_backup(backup)
    , m_live(live)
    , m_serverVersionNum(serverVersionNum)
    , m_control(control)
{
}

TableDiff MultisetComparator::compare()
{
    TableDiff diff;
    diff.table = m_backup.qualifiedName();
    diff.sqlName = m_backup.sqlName();
    diff.notes << u"No primary key: compared as a multiset of whole rows."_s;
    const QList<Column> columns = TableComparator::commonColumns(m_backup, m_live, diff);
    for (const Column &column : columns)
        diff.columns << column.name;
    const QString hash = RowHasher(columns, m_serverVersionNum).hashExpression();
    const QString bucket = u"(salvage_h & %1)::int"_s.arg(kBucketMask);
    const QString bucketOfRow = u"(%HASH% & %1)::int"_s.arg(kBucketMask);

    BucketSums sums[2];
    m_sides.both([&](DiffSide &side) {
        sums[side.which] = BucketSums::fetch(side, m_backup.sqlName(), bucketOfRow, hash, {}, std::nullopt);
    });
    diff.backupRows = sums[DiffSide::Backup].rows;
    diff.liveRows = sums[DiffSide::Live].rows;
    const QList<int> mismatching = BucketSums::mismatches(sums[DiffSide::Backup], sums[DiffSide::Live]);

    const QString query = u"SELECT salvage_h, %1 FROM (SELECT %2 AS salvage_h, * FROM %3) AS r "
                          u"WHERE %4 = ANY($1::int[])"_s.arg(
                              RowFetcher::textColumns(diff.columns, u"r"_s), hash, m_backup.sqlName(), bucket);
    for (int start = 0; start < mismatching.size(); start += kBucketBatch) {
        const std::string buckets = arrayLiteral(mismatching.mid(start, kBucketBatch)).toStdString();
        QHash<qint64, Copies> copies[2];
        m_sides.both([&](DiffSide &side) {
            const pqxx::result result = pqxxcompat::execParams(side.txn(), query.toStdString(), buckets);
            for (const auto &row : result) {
                Copies &entry = copies[side.which][row[0].as<qint64>()];
                if (entry.count++ == 0)
                    entry.values = RowFetcher::values(row, 1, int(diff.columns.size()));
            }
        });
        for (int which : { int(DiffSide::Backup), int(DiffSide::Live) }) {
            const auto &mine = copies[which];
            const auto &theirs = copies[1 - which];
            for (auto it = mine.cbegin(); it != mine.cend(); ++it) {
                const int surplus = it->count - theirs.value(it.key()).count;
                if (surplus <= 0)
                    continue;
                DiffRow row;
                row.multiplicity = surplus;
                if (which == DiffSide::Backup) {
                    row.status = DiffRow::Status::OnlyInBackup;
                    row.backupValues = it->values;
                    diff.onlyInBackup += surplus;
                } else {
                    row.status = DiffRow::Status::OnlyInLive;
                    row.liveValues = it->values;
                    row.origin = DiffRow::Origin::Unexplained;
                    diff.onlyInLive += surplus;
                }
                if (m_rowSink)
                    (*m_rowSink)(diff, row);
                diff.rows << row;
            }
        }
        m_control.throwIfCancelled();
    }
    return diff;
}

} // namespace salvage
