#include "eventparser.h"

#include "combinedlinematcher.h"
#include "tabletag.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringDecoder>

#include <algorithm>
#include <cstring>
#include <string_view>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

constexpr qsizetype parseLimit = 64 * 1024;

/// An envelope's payload keeps the line end its program wrote (docker's "log"); events do not.
QString withoutLineEnd(QString text)
{
    while (text.endsWith(u'\n') || text.endsWith(u'\r'))
        text.chop(1);
    return text;
}

void flatten(const QJsonObject &object, const QString &prefix, QHash<QString, QString> &fields)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString name = prefix.isEmpty() ? it.key() : prefix + u'/' + it.key();
        const QJsonValue value = it.value();
        if (value.isObject()) {
            flatten(value.toObject(), name, fields);
        } else if (value.isArray()) {
            // journald writes a MESSAGE that is not UTF-8 as an array of byte values.
            const QJsonArray array = value.toArray();
            QByteArray bytes;
            bool allBytes = !array.isEmpty();
            for (const QJsonValue &v : array) {
                allBytes = allBytes && v.isDouble() && v.toDouble() >= 0 && v.toDouble() < 256;
                bytes.append(char(v.toInt()));
            }
            fields.insert(name,
                allBytes ? QString::fromUtf8(bytes)
                         : QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
        } else if (value.isString()) {
            fields.insert(name, value.toString());
        } else if (!value.isNull()) {
            fields.insert(name, value.toVariant().toString());
        }
    }
}

// One RFC 4180 record: "" escapes a quote, quoted fields may hold newlines.
QStringList csvRecord(const QString &text)
{
    QStringList values;
    QString current;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text.at(i + 1) == u'"') {
                current += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                current += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            values.append(current);
            current.clear();
        } else if (c != u'\n' || !values.isEmpty()) {
            current += c;
        }
    }
    values.append(current.trimmed());
    return values;
}

// One line's capture groups as views into its bytes (keysOf), by group number: the fields keysOf
// reads are known by group (FormatKeys::PatternFields), so no name is compared per line.
class LineGroups
{
public:
    explicit LineGroups(QByteArrayView line)
        : m_line(line)
    {
    }
    template <typename Start, typename End> void set(qsizetype count, Start start, End end)
    {
        m_spans.resize(count);
        for (int group = 0; group < count; ++group)
            m_spans[group] = { start(group), end(group) };
    }
    /// Empty when the group is -1 or took no part.
    QByteArrayView value(int group) const
    {
        if (group < 0 || group >= m_spans.size() || m_spans[group].first < 0)
            return {};
        return m_line.sliced(m_spans[group].first, m_spans[group].second - m_spans[group].first);
    }

private:
    QByteArrayView m_line;
    QVarLengthArray<std::pair<qsizetype, qsizetype>, 16> m_spans;
};

// The capture group of pattern `p` that keysOf() reads for `field`: -1 when it has none, or a
// Keys parse leaves it out.
int groupOf(const LogFormat &format, qsizetype p, const QString &field)
{
    if (field.isEmpty() || p >= format.patternGroups.size())
        return -1;
    const qsizetype group = format.patternGroups.at(p).indexOf(field);
    const bool kept = p >= format.keyPatternGroups.size() || format.keyPatternGroups.at(p).value(group);
    return group > 0 && kept ? int(group) : -1;
}

// True for ASCII without NUL, CR, newline or ESC: what decode() and stripAnsi() leave as it is,
// and what a regex reads the same as bytes or as text.
bool isPlainLine(QByteArrayView line)
{
    // Eight bytes at a time (the compiler does not vectorise the byte loop at -O2): a byte with
    // the high bit, or a zero byte in the word or in the word xor CR, LF or ESC repeated.
    constexpr quint64 ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const auto hasZero = [](quint64 v) { return (v - ones) & ~v & highs; };
    quint64 odd = 0;
    qsizetype i = 0;
    for (; i + 8 <= line.size(); i += 8) {
        quint64 w;
        std::memcpy(&w, line.data() + i, 8);
        odd |= (w & highs) | hasZero(w) | hasZero(w ^ (ones * '\r')) | hasZero(w ^ (ones * '\n'))
            | hasZero(w ^ (ones * 0x1b));
    }
    for (; i < line.size(); ++i) {
        const auto u = uchar(line[i]);
        odd |= unsigned(u >= 0x80) | unsigned(u == 0) | unsigned(u == '\r') | unsigned(u == '\n') | unsigned(u == 0x1b);
    }
    return odd == 0;
}

} // namespace

EventParser::EventParser(const LogFormat *format, const LogFormat *payload)
    : m_format(format)
    , m_payload(payload)
{
}

QString EventParser::decode(QByteArrayView bytes, quint16 *flags)
{
    if (bytes.size() > parseLimit) {
        bytes = bytes.first(parseLimit);
        *flags |= LogEvent::Cut;
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        *flags |= LogEvent::InvalidUtf8;
    if (text.contains(QChar(0))) {
        text.replace(QChar(0), QChar(0x2400));
        *flags |= LogEvent::HasNul;
    }
    text.remove(u'\r');
    while (text.endsWith(u'\n'))
        text.chop(1);
    return text;
}

QString EventParser::stripAnsi(const QString &text)
{
    if (!text.contains(QChar(0x1b)))
        return text;
    static const QRegularExpression ansi(u"\\x1b\\[[0-9;]*[A-Za-z]"_s);
    return QString(text).remove(ansi);
}

bool EventParser::extract(const LogFormat &format, const QString &first, const QString &whole,
    QHash<QString, QString> &fields, bool keysOnly, QJsonObject *json)
{
    switch (format.kind) {
    case LogFormat::Kind::Json: {
        const QJsonDocument document = QJsonDocument::fromJson(first.toUtf8());
        if (!document.isObject())
            return false;
        flatten(document.object(), {}, fields);
        if (json)
            *json = document.object();
        return fields.contains(format.timestampField);
    }
    case LogFormat::Kind::Csv: {
        const QStringList values = csvRecord(whole);
        if (values.size() < 2)
            return false;
        for (qsizetype i = 0; i < values.size() && i < format.csvColumns.size(); ++i)
            if (!values.at(i).isEmpty())
                fields.insert(format.csvColumns.at(i), values.at(i));
        // The whole field is the timestamp: a text line with a timestamp and a comma is no record.
        TimestampFields parsed;
        const QByteArray ts = fields.value(format.timestampField).toUtf8();
        return format.timestamps.parseAt(ts.constData(), ts.constData() + ts.size(), parsed)
            && parsed.length == ts.size();
    }
    case LogFormat::Kind::Text:
        for (qsizetype p = 0; p < format.patterns.size(); ++p) {
            const QRegularExpressionMatch match = format.patterns.at(p).match(first);
            if (!match.hasMatch())
                continue;
            const QStringList &names = p < format.patternGroups.size() ? format.patternGroups.at(p) : QStringList();
            const QList<bool> *keep
                = keysOnly && p < format.keyPatternGroups.size() ? &format.keyPatternGroups.at(p) : nullptr;
            for (int group = 1; group < names.size(); ++group)
                if (!names.at(group).isEmpty() && (!keep || keep->at(group)) && match.capturedStart(group) >= 0)
                    fields.insert(names.at(group), match.captured(group));
            return true;
        }
        return false;
    }
    return false;
}

void EventParser::addKeyValues(const LogFormat &format, QHash<QString, QString> &fields)
{
    static const QRegularExpression pair(u"(?:^|\\s)([A-Za-z_][A-Za-z0-9_.]*)=(\"[^\"]*\"|[^\\s]*)"_s);
    for (const QString &field : format.keyValueFields) {
        const QString text = fields.value(field);
        for (const QRegularExpressionMatch &m : pair.globalMatch(text)) {
            QString value = m.captured(2);
            if (value.size() >= 2 && value.startsWith(u'"'))
                value = value.mid(1, value.size() - 2);
            if (!fields.contains(m.captured(1)))
                fields.insert(m.captured(1), value);
        }
    }
    const auto apply = [&fields](const QRegularExpression &re, const QString &text) {
        const QRegularExpressionMatch m = re.match(text);
        if (!m.hasMatch())
            return;
        for (const QString &name : re.namedCaptureGroups())
            if (!name.isEmpty() && m.capturedStart(name) >= 0 && !fields.contains(name))
                fields.insert(name, m.captured(name));
    };
    for (const auto &[field, re] : format.fieldPatterns)
        if (fields.contains(field))
            apply(re, fields.value(field));
    const QString body = fields.value(format.bodyField);
    for (const QRegularExpression &re : format.bodyPatterns)
        apply(re, body);
}

QString EventParser::keyValue(const QString &kind, const QString &value)
{
    if (kind != "ip"_L1 || !value.contains(u':'))
        return value;
    // Sources write a client as 10.0.0.5, 10.0.0.5:51234 (csvlog, Apache) or [2001:db8::1]:443:
    // the address alone is what correlates them.
    static const QRegularExpression withPort(u"^(?:(\\d{1,3}(?:\\.\\d{1,3}){3})|\\[([0-9A-Fa-f:.]+)\\]):\\d+$"_s);
    const QRegularExpressionMatch m = withPort.match(value);
    return m.hasMatch() ? m.captured(1) + m.captured(2) : value;
}

const EventParser::TemplateParts &EventParser::templateParts(const QString &pattern) const
{
    auto known = m_templates.constFind(pattern);
    if (known != m_templates.constEnd())
        return *known;
    static const QRegularExpression placeholder(u"\\{([^}]+)\\}"_s);
    TemplateParts parts;
    qsizetype last = 0;
    for (const QRegularExpressionMatch &m : placeholder.globalMatch(pattern)) {
        parts.append({ pattern.mid(last, m.capturedStart() - last), m.captured(1) });
        last = m.capturedEnd();
    }
    parts.append({ pattern.mid(last), QString() });
    return *m_templates.insert(pattern, parts);
}

QString EventParser::fill(const QString &pattern, const QHash<QString, QString> &fields, bool *filled) const
{
    QString message;
    for (const auto &[text, field] : templateParts(pattern)) {
        message += text;
        if (field.isEmpty())
            continue;
        const QString value = fields.value(field);
        if (value != "-"_L1) {
            message += value;
            *filled = *filled || !value.isEmpty();
        }
    }
    return message;
}

QString EventParser::unescapeOctal(const QString &text)
{
    if (!text.contains(u'#'))
        return text;
    // rsyslog wrote a multi-line message (a Python traceback) as one line: "…:#012  File…".
    static const QRegularExpression escaped(u"#0(?!00)([0-3][0-7])"_s);
    QString unescaped;
    qsizetype last = 0;
    for (const QRegularExpressionMatch &m : escaped.globalMatch(text)) {
        unescaped += QStringView(text).mid(last, m.capturedStart() - last);
        unescaped += QChar(m.capturedView(1).toUShort(nullptr, 8));
        last = m.capturedEnd();
    }
    unescaped += QStringView(text).mid(last);
    return unescaped;
}

QString EventParser::messageOf(const LogFormat &format, const QHash<QString, QString> &fields) const
{
    bool filled = false;
    if (!format.messageLines.isEmpty()) {
        // csvlog and jsonlog read like the stderr log: "DETAIL:  …" lines, newlines of a statement kept.
        QStringList lines;
        for (const QString &line : format.messageLines) {
            filled = false;
            const QString text = fill(line, fields, &filled);
            if (filled)
                lines.append(text);
        }
        return lines.join(u'\n');
    }
    if (format.messageTemplate.isEmpty())
        return fields.value(format.bodyField);
    return fill(format.messageTemplate, fields, &filled).simplified();
}

QString EventParser::continuation(const LogFormat &format, const LogFormat *payload, const QString &rest)
{
    const LogFormat &inner = payload ? *payload : format;
    if (inner.joinLevels.isEmpty())
        return rest;
    // Joined PostgreSQL lines (DETAIL, STATEMENT, …) repeat the prefix (and, through syslog, the
    // envelope): keep "DETAIL:  text" only.
    QStringList lines = rest.split(u'\n');
    for (QString &line : lines) {
        if (payload)
            line = payloadOf(format, line).value_or(line);
        QHash<QString, QString> fields;
        if (extract(inner, line, line, fields) && fields.contains(inner.levelField)) {
            line = fields.value(inner.levelField) + u":  "_s + fields.value(inner.bodyField);
        } else if (inner.continuationPattern.isValid() && !inner.continuationPattern.pattern().isEmpty()) {
            const QRegularExpressionMatch m = inner.continuationPattern.match(line);
            if (m.hasMatch())
                line = m.captured(u"body"_s);
        }
    }
    return lines.join(u'\n');
}

bool EventParser::matches(const LogFormat &format, const QString &line)
{
    QHash<QString, QString> fields;
    return extract(format, line, line, fields);
}

std::optional<QString> EventParser::payloadOf(const LogFormat &envelope, const QString &line)
{
    QHash<QString, QString> fields;
    if (!extract(envelope, line, line, fields))
        return std::nullopt;
    const QString payload = withoutLineEnd(fields.value(envelope.bodyField));
    return envelope.octalEscapes ? unescapeOctal(payload) : payload;
}

LogLevel EventParser::levelOf(const LogFormat &format, const QString &value) const
{
    if (format.levelMap.isEmpty() || !format.levelWords.isEmpty())
        return format.levelOf(value); // no map, or a plain-word lookup: already cheap
    QHash<QString, LogLevel> &seen = m_levels[&format];
    if (const auto known = seen.constFind(value); known != seen.constEnd())
        return *known;
    const LogLevel level = format.levelOf(value);
    if (seen.size() < 256)
        seen.insert(value, level);
    return level;
}

EventParser::FormatKeys &EventParser::formatKeys(const LogFormat &format) const
{
    if (&format == m_lastFormat) // nearly always the file's own format: spare the lookup
        return *m_lastFormatKeys;
    auto it = m_formatKeys.find(&format);
    if (it == m_formatKeys.end()) {
        FormatKeys keys;
        for (const auto &[field, kind] : format.keys) {
            keys.fields.insert(field);
            // Request, job and session ids end in "_id" too, but name no row.
            keys.tags << (LogKeyExtractor::isTraceKind(kind)
                    ? QString()
                    : TableTag::stemOf(field.mid(field.lastIndexOf(u'/') + 1)));
        }
        keys.lineKeys = format.kind == LogFormat::Kind::Text && !format.envelope && !format.octalEscapes
            && !format.partialLines && format.keyValueFields.isEmpty() && format.fieldPatterns.isEmpty()
            && format.bodyPatterns.isEmpty() && !format.span.isValid();
        for (qsizetype p = 0; p < format.patterns.size(); ++p) {
            keys.combined.append(CombinedLineMatcher::reads(format.patterns.at(p)));
            FormatKeys::PatternFields fields { groupOf(format, p, format.bodyField),
                groupOf(format, p, format.levelField), groupOf(format, p, format.laneField),
                groupOf(format, p, format.requestPathField), {} };
            for (const auto &[field, kind] : format.keys)
                fields.keys.append(groupOf(format, p, field));
            keys.patternFields.append(fields);
        }
        for (const auto &[field, kind] : format.keys)
            keys.ipKeys.append(kind == "ip"_L1);
        it = m_formatKeys.insert(&format, keys);
    }
    m_lastFormat = &format; // valid until the next insert, which sets it again
    m_lastFormatKeys = &*it;
    return *it;
}

void EventParser::addRowKeys(const LogFormat &format, const QHash<QString, QString> &fields, const QString &text,
    const QJsonObject &json, LogEvent &event) const
{
    if (!format.requestPathField.isEmpty()) {
        LogKeyExtractor::fromPath(fields.value(format.requestPathField), event.keys);
    } else if (format.kind == LogFormat::Kind::Json) {
        // JSON access logs name the path in many ways; "request" is the whole request line.
        for (const auto name : { "path"_L1, "uri"_L1, "url"_L1, "request_uri"_L1, "request"_L1 }) {
            const QString value = fields.value(name);
            if (value.startsWith(u'/') || value.contains("://"_L1)) {
                LogKeyExtractor::fromPath(value, event.keys);
                break;
            }
            if (const qsizetype space = value.indexOf(u" /"_s); space > 0 && name == "request"_L1) {
                LogKeyExtractor::fromPath(QStringView(value).mid(space + 1).split(u' ').value(0), event.keys);
                break;
            }
        }
    }
    const bool parameters = text.contains("parameters: $"_L1), constraint = text.contains("Key ("_L1);
    if (parameters || constraint) {
        const QString statement = format.kind == LogFormat::Kind::Text ? text : messageOf(format, fields);
        if (parameters)
            m_keys.fromStatement(statement, event.keys);
        if (constraint)
            m_keys.fromConstraint(statement, event.keys);
    }
    const QSet<QString> &skip = formatKeys(format).fields;
    if (format.kind == LogFormat::Kind::Json) {
        LogKeyExtractor::fromJson(json, skip, event.keys);
    } else {
        if (!format.keyValueFields.isEmpty())
            LogKeyExtractor::fromFields(fields, skip, event.keys);
        LogKeyExtractor::fromText(event.body, event.keys);
    }
}

bool EventParser::keysOf(QByteArrayView entry, const LogFormat *lineFormat, const QString &methodField,
    const QString &pathField, const QString &statusField, EventKeys &keys) const
{
    const LogFormat &format = lineFormat ? *lineFormat : *m_format;
    if (entry.size() > parseLimit)
        return false;
    FormatKeys &known = formatKeys(format);
    if (!known.lineKeys)
        return false;
    QByteArrayView line = entry;
    while (!line.isEmpty() && (line.back() == '\n' || line.back() == '\r'))
        line.chop(1);
    if (line.isEmpty() || !isPlainLine(line))
        return false;

    LineGroups groups(line);
    qsizetype matched = -1;
    bool widened = false;
    for (qsizetype p = 0; p < format.patterns.size() && matched < 0; ++p) {
        if (p < known.combined.size() && known.combined.at(p)) {
            CombinedLineMatcher::Groups spans;
            const CombinedLineMatcher::Result result = CombinedLineMatcher::match(line, spans);
            if (result == CombinedLineMatcher::Result::NoMatch)
                continue;
            if (result == CombinedLineMatcher::Result::Match) {
                matched = p;
                groups.set(
                    CombinedLineMatcher::groupCount + 1, [&](int group) { return spans.start[size_t(group)]; },
                    [&](int group) { return spans.end[size_t(group)]; });
                continue;
            }
        }
        if (!widened) { // ASCII: the text's offsets are the bytes' offsets.
            m_line.resize(line.size());
            char16_t *text = reinterpret_cast<char16_t *>(m_line.data());
            for (qsizetype i = 0; i < line.size(); ++i)
                text[i] = uchar(line[i]);
            widened = true;
        }
        const QRegularExpressionMatch match = format.patterns.at(p).match(m_line);
        if (!match.hasMatch())
            continue;
        matched = p;
        groups.set(
            match.lastCapturedIndex() + 1, [&](int group) { return match.capturedStart(group); },
            [&](int group) { return match.capturedEnd(group); });
    }
    if (matched < 0 || matched >= known.patternFields.size())
        return false; // unparsed: parse() says how
    const FormatKeys::PatternFields &fields = known.patternFields.at(matched);
    const QByteArrayView body = format.bodyField.isEmpty() ? line : groups.value(fields.body);
    // std::string_view's search: QByteArrayView's costs more to set up than a short body takes.
    const std::string_view bodyText(body.data(), size_t(body.size()));
    if (bodyText.find("parameters: $") != bodyText.npos || bodyText.find("Key (") != bodyText.npos
        || bodyText.find("args=[") != bodyText.npos || bodyText.find("_id\"") != bodyText.npos)
        return false; // a statement, a constraint or arguments: LogKeyExtractor reads them

    const QByteArrayView level = groups.value(fields.level);
    if (const auto seen = known.levels.constFind(QByteArray::fromRawData(level.data(), level.size()));
        seen != known.levels.constEnd()) {
        keys.level = *seen;
    } else {
        keys.level = format.levelOf(QString::fromLatin1(level));
        if (known.levels.size() < 256)
            known.levels.insert(level.toByteArray(), keys.level);
    }
    keys.lane = QString::fromLatin1(groups.value(fields.lane));
    for (qsizetype k = 0; k < format.keys.size(); ++k) {
        const QString &kind = format.keys.at(k).second;
        const QByteArrayView view = groups.value(fields.keys.at(k));
        QByteArray value = QByteArray::fromRawData(view.data(), view.size());
        if (known.ipKeys.at(k) && value.contains(':'))
            value = keyValue(kind, QString::fromLatin1(value)).toLatin1();
        if (value.isEmpty() || value == "-")
            continue;
        keys.addUnique(kind, value, known.tags.at(k));
    }
    if (!format.requestPathField.isEmpty()) {
        // The ids stay views into the line; their table tags are few, so made once.
        LogKeyExtractor::fromAsciiPath(QLatin1StringView(groups.value(fields.path)),
            [&](QLatin1StringView id, QLatin1StringView parent, QLatin1StringView resource) {
                QByteArray &name = m_pathTableName;
                name.truncate(0);
                name.append(parent.data(), parent.size()).append('/').append(resource.data(), resource.size());
                auto table = m_pathTables.constFind(name);
                if (table == m_pathTables.constEnd()) {
                    if (m_pathTables.size() >= 1024)
                        m_pathTables.clear();
                    table = m_pathTables.insert(name, LogKeyExtractor::pathTable(parent, resource));
                }
                keys.addUnique(LogKeyExtractor::pathRole, QByteArray::fromRawData(id.data(), id.size()), *table);
            });
    }
    if (!methodField.isEmpty()) {
        keys.method = QString::fromLatin1(groups.value(groupOf(format, matched, methodField)));
        keys.path = QString::fromLatin1(groups.value(groupOf(format, matched, pathField)));
        keys.status = QString::fromLatin1(groups.value(groupOf(format, matched, statusField)));
    }
    return true;
}

LogEvent EventParser::parse(const QByteArray &entry, const LogFormat *lineFormat, Detail detail) const
{
    LogEvent event;
    const LogFormat &format = lineFormat ? *lineFormat : *m_format;
    const QString text = decode(entry, &event.flags);
    if (detail == Detail::Full)
        event.raw = text;
    const qsizetype newline = text.indexOf(u'\n');
    const QString first = newline < 0 ? text : text.left(newline);
    QString rest = newline < 0 ? QString() : text.mid(newline + 1);
    event.format = format.id;
    event.timestampDesc = format.timestampDesc;

    QHash<QString, QString> fields;
    QJsonObject json, innerJson;
    const LogFormat *used = &format;
    const bool keysOnly = detail == Detail::Keys;
    if (!extract(format, first, text, fields, keysOnly, &json)) {
        event.flags |= LogEvent::Unparsed;
        event.message = stripAnsi(text);
        event.body = event.message;
        return event;
    }
    if (format.kind == LogFormat::Kind::Csv)
        rest.clear(); // the record's newlines are inside its fields
    if (format.partialLines && !rest.isEmpty()) {
        // The further lines are the rest of a line docker cut: their bodies continue this one's.
        QString &body = fields[format.bodyField];
        for (const QString &line : rest.split(u'\n')) {
            QHash<QString, QString> more;
            if (extract(format, line, line, more))
                body += more.value(format.bodyField);
        }
        rest.clear();
    }
    if (format.octalEscapes && fields.contains(format.bodyField))
        fields[format.bodyField] = unescapeOctal(fields.value(format.bodyField));
    event.originalTime = fields.value(format.timestampField);
    addKeyValues(format, fields); // before the lane and level: Sidekiq's class=, lograge's status=
    event.level = levelOf(format, fields.value(format.levelField));
    event.lane = fields.value(format.laneField);
    if (format.envelope && m_payload && !lineFormat) {
        const QString payload = withoutLineEnd(fields.value(format.bodyField));
        QHash<QString, QString> inner;
        const qsizetype payloadNewline = payload.indexOf(u'\n');
        if (extract(*m_payload, payloadNewline < 0 ? payload : payload.left(payloadNewline), payload, inner, keysOnly,
                &innerJson)) {
            used = m_payload;
            event.format = m_payload->id;
            addKeyValues(*m_payload, inner);
            const LogLevel level = levelOf(*m_payload, inner.value(m_payload->levelField));
            if (level != LogLevel::Unknown)
                event.level = level;
            if (inner.contains(m_payload->timestampField))
                event.originalTime = inner.value(m_payload->timestampField);
            if (!inner.value(m_payload->laneField).isEmpty())
                event.lane = inner.value(m_payload->laneField);
            const QStringList &tags = formatKeys(format).tags;
            for (qsizetype k = 0; k < format.keys.size(); ++k) {
                const auto &[field, kind] = format.keys.at(k);
                if (!fields.value(field).isEmpty())
                    event.keys.append({ kind, keyValue(kind, fields.value(field)), tags.at(k) });
            }
            fields.insert(inner);
        }
    }
    event.body = withoutLineEnd(stripAnsi(used->bodyField.isEmpty() ? first : fields.value(used->bodyField)));
    if (detail == Detail::Full) {
        event.message = withoutLineEnd(stripAnsi(messageOf(*used, fields)));
        if (event.message.isEmpty() && used->bodyField.isEmpty())
            event.message = event.body;
        if (!rest.isEmpty())
            event.message += u'\n' + stripAnsi(continuation(format, used != &format ? used : nullptr, rest));
    }
    const QStringList &tags = formatKeys(*used).tags;
    for (qsizetype k = 0; k < used->keys.size(); ++k) {
        const auto &[field, kind] = used->keys.at(k);
        const QString value = keyValue(kind, fields.value(field));
        const LogKey key { kind, value, tags.at(k) };
        if (!value.isEmpty() && value != "-"_L1 && !event.keys.contains(key))
            event.keys.append(key);
    }
    // A one-line text entry holds its statement or path in the body: scan that, not the prefix too.
    const bool bodyOnly = used->kind == LogFormat::Kind::Text && rest.isEmpty();
    addRowKeys(*used, fields, bodyOnly ? event.body : text, used == &format ? json : innerJson, event);
    event.fields = std::move(fields);
    return event;
}

} // namespace salvage
