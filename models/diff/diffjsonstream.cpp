#include "diff/diffjsonstream.h"

#include "core/error.h"
#include "diff/diffformat.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
// Formatted entries held before they go to the spool, over every table.
constexpr qint64 kPendingBytes = 4 << 20;
// QJsonDocument::Indented writes four spaces a level: the document, "tables", a table, its "rows",
// an entry. A table's members are at level 3, its rows' entries at level 4.
const QByteArray kMemberIndent(12, ' ');
const QByteArray kEntryIndent(16, ' ');
// Stands for a table's rows in the document written without them; a JSON string holds no newline,
// so the line it is on is found whole.
QString placeholder(qsizetype table)
{
    return u"\u0001salvage rows %1\u0001"_s.arg(table);
}

void writeAll(QIODevice &out, const QByteArray &bytes)
{
    if (out.write(bytes) != bytes.size())
        throw Error(u"Cannot write the diff: %1"_s.arg(out.errorString()));
}
} // namespace

DiffJsonStream::DiffJsonStream()
{
    if (!m_spool.open())
        throw Error(u"Cannot create a temporary file for the differing rows: %1"_s.arg(m_spool.errorString()));
}

RowSink DiffJsonStream::sink()
{
    return [this](const TableDiff &table, const DiffRow &row) { add(table, row); };
}

void DiffJsonStream::add(const TableDiff &table, const DiffRow &row)
{
    // An entry at its place in the document: every line moved to the entries' level.
    QByteArray entry = QJsonDocument(diffRowToJson(table, row)).toJson(QJsonDocument::Indented);
    entry.chop(1); // the document's closing newline
    entry.replace("\n", QByteArray("\n" + kEntryIndent));
    entry.prepend(kEntryIndent);
    const std::lock_guard lock(m_mutex);
    TableEntries &entries = m_tables[table.table];
    for (int copy = 0; copy < row.multiplicity; ++copy) {
        if (entries.entries++ > 0)
            entries.pending += ",\n";
        entries.pending += entry;
        m_pendingBytes += entry.size() + 2;
    }
    if (m_pendingBytes > kPendingBytes)
        spoolPending();
}

void DiffJsonStream::spoolPending()
{
    for (TableEntries &entries : m_tables) {
        if (entries.pending.isEmpty())
            continue;
        const qint64 offset = m_spool.size();
        if (!m_spool.seek(offset) || m_spool.write(entries.pending) != entries.pending.size())
            throw Error(u"Cannot write the differing rows to %1: %2"_s.arg(m_spool.fileName(), m_spool.errorString()));
        entries.spooled.append({ offset, entries.pending.size() });
        entries.pending.clear();
    }
    m_pendingBytes = 0;
}

void DiffJsonStream::copyEntries(const QString &table, QIODevice &out)
{
    const TableEntries entries = m_tables.value(table);
    for (const Chunk &chunk : entries.spooled) {
        if (!m_spool.seek(chunk.offset))
            throw Error(u"Cannot read the differing rows back: %1"_s.arg(m_spool.errorString()));
        for (qint64 left = chunk.size; left > 0;) {
            const QByteArray bytes = m_spool.read(std::min<qint64>(left, 1 << 20));
            if (bytes.isEmpty())
                throw Error(u"Cannot read the differing rows back: %1"_s.arg(m_spool.errorString()));
            writeAll(out, bytes);
            left -= bytes.size();
        }
    }
    writeAll(out, entries.pending);
}

void DiffJsonStream::write(const DiffResult &result, QIODevice &out)
{
    const std::lock_guard lock(m_mutex);
    if (!m_spool.flush())
        throw Error(u"Cannot write the differing rows to %1: %2"_s.arg(m_spool.fileName(), m_spool.errorString()));
    // The document without its rows, each table's "rows" a placeholder, small whatever the rows.
    QJsonObject document = diffToJson(result, false);
    QJsonArray tables = document.value(u"tables"_s).toArray();
    for (qsizetype i = 0; i < tables.size(); ++i) {
        QJsonObject table = tables.at(i).toObject();
        table.insert(u"rows"_s, placeholder(i));
        tables.replace(i, table);
    }
    document.insert(u"tables"_s, tables);
    const QByteArray text = QJsonDocument(document).toJson(QJsonDocument::Indented);
    qsizetype table = 0, start = 0;
    for (;;) {
        // The placeholder as the document spells it: the string of a one-element array, quotes included.
        const QByteArray line = kMemberIndent + "\"rows\": "
            + QJsonDocument(QJsonArray { placeholder(table) }).toJson(QJsonDocument::Compact).chopped(1).mid(1);
        const qsizetype at = table < result.tables.size() ? text.indexOf(line, start) : -1;
        if (at < 0)
            break;
        writeAll(out, text.mid(start, at - start));
        writeAll(out, kMemberIndent + "\"rows\": [\n");
        if (m_tables.value(result.tables.at(table).table).entries > 0) {
            copyEntries(result.tables.at(table).table, out);
            writeAll(out, "\n");
        }
        writeAll(out, kMemberIndent + ']');
        start = at + line.size();
        ++table;
    }
    writeAll(out, text.mid(start));
}

} // namespace salvage
