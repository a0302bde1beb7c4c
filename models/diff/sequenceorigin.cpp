#include "diff/sequenceorigin.h"

#include "db/pqxxcompat.h"
#include "diff/sidepair.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace salvage::SequenceOrigin {

namespace {
bool undated(const DiffRow &row)
{
    return row.status == DiffRow::Status::OnlyInLive && row.origin == DiffRow::Origin::Unexplained && !row.liveTime;
}
} // namespace

void apply(DiffSide &backup, const Table &table, TableDiff &diff)
{
    if (std::none_of(diff.rows.cbegin(), diff.rows.cend(), undated))
        return;
    // pg_sequences.last_value is NULL for a sequence never used (every value is then new), and
    // also without the privilege to read it: then the sequence says nothing.
    const std::string query = "SELECT a.attname::text, CASE WHEN has_sequence_privilege(q.seq, 'SELECT, USAGE') "
                              "  THEN coalesce(ps.last_value, ps.start_value - 1) END "
                              "FROM pg_attribute AS a "
                              "CROSS JOIN LATERAL pg_get_serial_sequence($1, a.attname::text) AS q(seq) "
                              "JOIN pg_sequences AS ps ON format('%I.%I', ps.schemaname, ps.sequencename)::regclass "
                              "  = q.seq::regclass "
                              "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped";
    const pqxx::result result = pqxxcompat::execParams(backup.txn(), query, table.sqlName().toStdString());
    QList<QPair<qsizetype, qint64>> sequences; // column position in diff.columns, backup's last value
    for (const auto &row : result) {
        const qsizetype position = diff.columns.indexOf(QString::fromUtf8(row[0].c_str()));
        if (position >= 0 && !row[1].is_null())
            sequences.append({ position, row[1].as<qint64>() });
    }
    for (DiffRow &row : diff.rows) {
        if (!undated(row))
            continue;
        for (const auto &[position, last] : std::as_const(sequences)) {
            bool ok = false;
            const qint64 value = position < row.liveValues.size() && row.liveValues.at(position)
                ? row.liveValues.at(position)->toLongLong(&ok)
                : 0;
            if (ok && value > last) {
                row.origin = DiffRow::Origin::NewSinceBackup;
                break;
            }
        }
    }
}

} // namespace salvage::SequenceOrigin
