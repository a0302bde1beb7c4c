#include "diff/diffvaluespool.h"

#include "core/error.h"
#include "diff/joinedkey.h"
#include "diff/rowpruner.h"

#include <QtEndian>
#include <cstring>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
// Records gathered before they go to the file, so that a table of small rows is not a write each.
constexpr qsizetype kBlockBytes = 1 << 20;
constexpr qint32 kNull = -1;

void putInt(QByteArray &out, qint32 value)
{
    const qint32 little = qToLittleEndian(value);
    out.append(reinterpret_cast<const char *>(&little), sizeof little);
}

// One side's values: their number, then each as its UTF-8 length (kNull for NULL) and bytes. A
// QString from the server is valid UTF-16, so the UTF-8 round trip gives it back unchanged.
void putValues(QByteArray &out, const QList<DiffValue> &values)
{
    putInt(out, qint32(values.size()));
    for (const DiffValue &value : values) {
        if (!value) {
            putInt(out, kNull);
            continue;
        }
        const QByteArray utf8 = value->toUtf8();
        putInt(out, qint32(utf8.size()));
        out.append(utf8);
    }
}

// Reads what putValues wrote from `bytes` at `at`, advancing it; false when the bytes end early.
class RecordReader
{
public:
    explicit RecordReader(const QByteArray &bytes)
        : m_bytes(bytes)
    {
    }
    bool values(QList<DiffValue> &out)
    {
        qint32 count = 0;
        // A damaged count is refused before anything is reserved for it: a value takes 4 bytes at least.
        if (!integer(count) || count < 0 || count > (m_bytes.size() - m_at) / qsizetype(sizeof count))
            return false;
        out.reserve(count);
        for (qint32 i = 0; i < count; ++i) {
            qint32 size = 0;
            if (!integer(size) || size < kNull || (size > 0 && m_at + size > m_bytes.size()))
                return false;
            if (size == kNull) {
                out.append(std::nullopt);
                continue;
            }
            out.append(QString::fromUtf8(m_bytes.constData() + m_at, size));
            m_at += size;
        }
        return true;
    }
    bool atEnd() const { return m_at == m_bytes.size(); }

private:
    bool integer(qint32 &value)
    {
        if (m_at + qsizetype(sizeof value) > m_bytes.size())
            return false;
        std::memcpy(&value, m_bytes.constData() + m_at, sizeof value);
        value = qFromLittleEndian(value);
        m_at += sizeof value;
        return true;
    }

    const QByteArray &m_bytes;
    qsizetype m_at = 0;
};
} // namespace

DiffValueSpool::DiffValueSpool()
{
    if (!m_file.open())
        throw Error(u"Cannot create a temporary file for the differing rows' values: %1"_s.arg(m_file.errorString()));
}

qint64 DiffValueSpool::append(const QByteArray &records)
{
    const std::lock_guard lock(m_mutex);
    if (!m_file.seek(m_end) || m_file.write(records) != records.size() || !m_file.flush())
        throw Error(
            u"Cannot write the differing rows' values to %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    const qint64 start = m_end;
    m_end += records.size();
    return start;
}

DiffValueSpool::TableWriter::TableWriter(std::shared_ptr<DiffValueSpool> spool, TableDiff &table)
    : m_spool(std::move(spool))
    , m_table(table)
    , m_parentColumns(RowPruner::parentColumns(table))
{
    m_table.spool = m_spool;
    m_table.retention = RowRetention::Spooled;
}

void DiffValueSpool::TableWriter::add(qsizetype index)
{
    DiffRow &row = m_table.rows[index];
    const qsizetype start = m_block.size();
    putInt(m_block, 0); // the record's size, known once it is written
    putValues(m_block, row.backupValues);
    putValues(m_block, row.liveValues);
    const qint32 size = qToLittleEndian(qint32(m_block.size() - start - qsizetype(sizeof(qint32))));
    std::memcpy(m_block.data() + start, &size, sizeof size);
    m_placed.append({ index, start });
    // What stays in memory is what a view sorts, filters and counts by, packed: half a million rows
    // at demo scale 300 held 146 MB as lists of strings.
    if (!row.key.isEmpty()) {
        m_table.keys.set(index, JoinedKey::join(row.key));
        row.key = QStringList();
    }
    if (!row.changedColumns.isEmpty()) // most changed rows of a table change the same columns
        row.changedColumns = *m_changedColumns.insert(row.changedColumns);
    row.backupValues = QList<DiffValue>(); // not clear(): Qt 6 keeps the capacity
    // ParentOrigin dates undated rows only in live by their parents (a dated one by its time).
    row.liveValues = row.status == DiffRow::Status::OnlyInLive && !row.liveTime
        ? RowPruner::onlyAt(row.liveValues, m_parentColumns)
        : QList<DiffValue>();
    if (m_block.size() >= kBlockBytes)
        flush();
}

void DiffValueSpool::TableWriter::flush()
{
    if (m_block.isEmpty())
        return;
    const qint64 start = m_spool->append(m_block);
    for (const auto &[index, offset] : std::as_const(m_placed))
        m_table.rows[index].spooledAt = start + offset;
    m_block.clear();
    m_placed.clear();
}

void DiffValueSpool::spool(const std::shared_ptr<DiffValueSpool> &self, TableDiff &table)
{
    TableWriter writer(self, table);
    for (qsizetype i = 0; i < table.rows.size(); ++i) {
        if (table.rows.at(i).spooledAt < 0)
            writer.add(i);
    }
    writer.flush();
    table.rows.squeeze();
    table.keys.squeeze();
}

DiffRowValues DiffValueSpool::read(qint64 at) const
{
    const auto unreadable = [&](const QString &why) {
        return Error(u"Cannot read a differing row's values back from %1: %2"_s.arg(m_file.fileName(), why));
    };
    const std::lock_guard lock(m_mutex);
    qint32 size = 0;
    if (at < 0 || at >= m_end || !m_file.seek(at)
        || m_file.read(reinterpret_cast<char *>(&size), sizeof size) != qint64(sizeof size))
        throw unreadable(m_file.errorString());
    size = qFromLittleEndian(size);
    if (size < 0 || at + qint64(sizeof size) + size > m_end)
        throw unreadable(u"the record is damaged"_s);
    const QByteArray record = m_file.read(size);
    DiffRowValues values;
    RecordReader reader(record);
    if (record.size() != size || !reader.values(values.backup) || !reader.values(values.live) || !reader.atEnd())
        throw unreadable(u"the record is damaged"_s);
    return values;
}

} // namespace salvage
