#pragma once

#include <QByteArray>
#include <QStringView>

namespace salvage {

/// Appends compact JSON to a byte buffer, byte for byte what QJsonDocument::Compact writes for
/// the same values (the same escapes; members must be given in QJsonObject's order, sorted by
/// key), without building a document per row: the JSONL export writes millions of them.
class CompactJson
{
public:
    explicit CompactJson(QByteArray &out)
        : m_out(out)
    {
    }

    CompactJson &beginObject();
    CompactJson &endObject();
    CompactJson &beginArray();
    CompactJson &endArray();
    /// A member's name; its value follows.
    CompactJson &key(QStringView name);
    CompactJson &value(QStringView text);
    CompactJson &value(qint64 number);
    CompactJson &boolean(bool flag); ///< not an overload of value(): a string literal would convert to bool
    CompactJson &null();

    /// `text` as a JSON string: control characters, '"' and '\' escaped, the rest UTF-8, a lone
    /// surrogate as \uXXXX.
    static void appendString(QByteArray &out, QStringView text);

private:
    /// The comma before a value or member that is not the first of its container.
    void separate();

    QByteArray &m_out;
    bool m_first = true; ///< nothing written yet in the innermost open container
    bool m_afterKey = false; ///< a member's name was written, its value comes next
};

} // namespace salvage
