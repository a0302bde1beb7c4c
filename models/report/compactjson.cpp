#include "compactjson.h"

namespace salvage {

namespace {

char hexDigit(uint value)
{
    return char(value < 10 ? '0' + value : 'a' + value - 10);
}

void appendEscape(QByteArray &out, char16_t unit)
{
    const char escaped[] = { '\\', 'u', hexDigit(unit >> 12 & 0xf), hexDigit(unit >> 8 & 0xf),
        hexDigit(unit >> 4 & 0xf), hexDigit(unit & 0xf) };
    out.append(escaped, sizeof escaped);
}

} // namespace

void CompactJson::appendString(QByteArray &out, QStringView text)
{
    out.append('"');
    const char16_t *c = text.utf16(), *end = c + text.size();
    while (c != end) {
        // A run that needs no escape and is ASCII: copied byte by byte without checks.
        const char16_t *run = c;
        while (run != end && *run >= 0x20 && *run < 0x80 && *run != u'"' && *run != u'\\')
            ++run;
        if (run != c) {
            const qsizetype at = out.size();
            out.resize(at + (run - c));
            char *to = out.data() + at;
            for (; c != run; ++c)
                *to++ = char(*c);
            continue;
        }
        const char16_t unit = *c++;
        if (unit < 0x80) {
            switch (unit) {
            case u'"':
                out.append("\\\"", 2);
                break;
            case u'\\':
                out.append("\\\\", 2);
                break;
            case u'\b':
                out.append("\\b", 2);
                break;
            case u'\f':
                out.append("\\f", 2);
                break;
            case u'\n':
                out.append("\\n", 2);
                break;
            case u'\r':
                out.append("\\r", 2);
                break;
            case u'\t':
                out.append("\\t", 2);
                break;
            default:
                appendEscape(out, unit);
            }
        } else if (unit < 0x800) {
            out.append(char(0xc0 | unit >> 6));
            out.append(char(0x80 | (unit & 0x3f)));
        } else if (QChar::isHighSurrogate(unit) && c != end && QChar::isLowSurrogate(*c)) {
            const char32_t point = QChar::surrogateToUcs4(unit, *c++);
            const char bytes[] = { char(0xf0 | point >> 18), char(0x80 | (point >> 12 & 0x3f)),
                char(0x80 | (point >> 6 & 0x3f)), char(0x80 | (point & 0x3f)) };
            out.append(bytes, sizeof bytes);
        } else if (QChar::isSurrogate(unit)) {
            appendEscape(out, unit); // a lone half of a pair is no UTF-8
        } else {
            const char bytes[]
                = { char(0xe0 | unit >> 12), char(0x80 | (unit >> 6 & 0x3f)), char(0x80 | (unit & 0x3f)) };
            out.append(bytes, sizeof bytes);
        }
    }
    out.append('"');
}

void CompactJson::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first)
        m_out.append(',');
    m_first = false;
}

CompactJson &CompactJson::beginObject()
{
    separate();
    m_out.append('{');
    m_first = true;
    return *this;
}

CompactJson &CompactJson::endObject()
{
    m_out.append('}');
    m_first = false;
    return *this;
}

CompactJson &CompactJson::beginArray()
{
    separate();
    m_out.append('[');
    m_first = true;
    return *this;
}

CompactJson &CompactJson::endArray()
{
    m_out.append(']');
    m_first = false;
    return *this;
}

CompactJson &CompactJson::key(QStringView name)
{
    separate();
    appendString(m_out, name);
    m_out.append(':');
    m_afterKey = true;
    return *this;
}

CompactJson &CompactJson::value(QStringView text)
{
    separate();
    appendString(m_out, text);
    return *this;
}

CompactJson &CompactJson::value(qint64 number)
{
    separate();
    m_out.append(QByteArray::number(number));
    return *this;
}

CompactJson &CompactJson::boolean(bool flag)
{
    separate();
    m_out.append(flag ? "true" : "false");
    return *this;
}

CompactJson &CompactJson::null()
{
    separate();
    m_out.append("null", 4);
    return *this;
}

} // namespace salvage
