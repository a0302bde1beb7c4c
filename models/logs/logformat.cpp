#include "logformat.h"

#include <QSet>

#include "core/error.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

QRegularExpression compile(const QString &pattern, const QString &where)
{
    QRegularExpression re(pattern);
    if (!re.isValid())
        throw Error(u"%1: the regular expression is invalid at offset %2: %3."_s.arg(
            where, QString::number(re.patternErrorOffset()), re.errorString()));
    re.optimize();
    return re;
}

bool isPlainWord(const QString &word)
{
    if (word.isEmpty())
        return false;
    for (QChar c : word)
        if (!c.isLetterOrNumber() && c != u'_')
            return false;
    return true;
}

void readSalvage(LogFormat &format, const QJsonObject &s, const QString &where)
{
    format.envelope = s.value("envelope"_L1).toBool();
    format.octalEscapes = s.value("octal-escapes"_L1).toBool();
    format.partialLines = s.value("partial-lines"_L1).toBool();
    if (s.contains("continuation-pattern"_L1))
        format.continuationPattern
            = compile(s.value("continuation-pattern"_L1).toString(), where + u" continuation-pattern"_s);
    format.payloadOnly = s.value("payload-only"_L1).toBool();
    for (const QJsonValue &v : s.value("aliases"_L1).toArray())
        format.aliases.append(v.toString());
    if (s.value("message"_L1).isArray())
        for (const QJsonValue &v : s.value("message"_L1).toArray())
            format.messageLines.append(v.toString());
    else
        format.messageTemplate = s.value("message"_L1).toString();
    format.laneField = s.value("lane-field"_L1).toString();
    if (s.contains("timestamp-desc"_L1))
        format.timestampDesc = s.value("timestamp-desc"_L1).toString();
    for (const QJsonValue &v : s.value("join-levels"_L1).toArray())
        format.joinLevels.append(v.toString().toUtf8());
    for (const QJsonValue &v : s.value("key-value-fields"_L1).toArray())
        format.keyValueFields.append(v.toString());
    for (const QJsonValue &v : s.value("body-patterns"_L1).toArray())
        format.bodyPatterns.append(compile(v.toString(), where + u" body-patterns"_s));
    // Like body-patterns, for another field (a free-form log_line_prefix holds pid, user, client…).
    const QJsonObject fieldPatterns = s.value("field-patterns"_L1).toObject();
    for (auto it = fieldPatterns.begin(); it != fieldPatterns.end(); ++it)
        for (const QJsonValue &v : it.value().toArray())
            format.fieldPatterns.append(
                { it.key(), compile(v.toString(), where + u" field-patterns \"%1\""_s.arg(it.key())) });
    const QJsonObject keys = s.value("keys"_L1).toObject();
    for (auto it = keys.begin(); it != keys.end(); ++it)
        format.keys.append({ it.key(), it.value().toString() });
    const QJsonObject request = s.value("request"_L1).toObject();
    format.requestMethodField = request.value("method"_L1).toString();
    format.requestPathField = request.value("path"_L1).toString();
    format.requestStatusField = request.value("status"_L1).toString();
    const QJsonObject span = s.value("span"_L1).toObject();
    if (!span.isEmpty()) {
        format.span.idField = span.value("id-field"_L1).toString();
        format.span.labelField = span.value("label-field"_L1).toString();
        format.span.start = compile(span.value("start"_L1).toString(), where + u" span start"_s);
        format.span.end = compile(span.value("end"_L1).toString(), where + u" span end"_s);
        format.span.failed = compile(span.value("failed"_L1).toString(u"(?!)"_s), where + u" span failed"_s);
        format.span.elapsedField = span.value("elapsed-field"_L1).toString();
        format.span.elapsedUnitMs = span.value("elapsed-unit"_L1).toString(u"s"_s) == "ms"_L1 ? 1.0 : 1000.0;
    }
    for (const QJsonValue &v : s.value("csv-columns"_L1).toArray())
        format.csvColumns.append(v.toString());
}

// What lnav's own format files say that Salvage can use, when the "salvage" object does not say
// it already: the operation id and the values lnav marks as identifiers become correlation keys,
// and a JSON format's "line-format" becomes the message.
void readLnavExtras(LogFormat &format, const QJsonObject &o)
{
    auto addKey = [&format](const QString &field, const QString &kind) {
        const bool known = std::any_of(
            format.keys.cbegin(), format.keys.cend(), [&](const auto &key) { return key.first == field; });
        if (!field.isEmpty() && !known)
            format.keys.append({ field, kind });
    };
    addKey(o.value("opid-field"_L1).toString(), u"operation"_s);
    const QJsonObject values = o.value("value"_L1).toObject();
    for (auto it = values.begin(); it != values.end(); ++it)
        if (it.value().toObject().value("identifier"_L1).toBool())
            addKey(it.key(), it.key());
    if (format.messageTemplate.isEmpty() && format.messageLines.isEmpty() && o.value("line-format"_L1).isArray()) {
        QString message;
        // lnav's own names for the time and the level map to this format's fields.
        const QHash<QString, QString> special { { u"__timestamp__"_s,
                                                    o.value("timestamp-field"_L1).toString(u"timestamp"_s) },
            { u"__level__"_s, o.value("level-field"_L1).toString() } };
        for (const QJsonValue &part : o.value("line-format"_L1).toArray()) {
            const QString field = part.toObject().value("field"_L1).toString();
            message += part.isString() ? part.toString() : u"{%1}"_s.arg(special.value(field, field));
        }
        format.messageTemplate = message;
    }
}

// The capture groups a Keys parse (the correlation pass) reads; the others are never copied out.
void markKeyGroups(LogFormat &format)
{
    QSet<QString> wanted { format.levelField, format.bodyField, format.laneField, format.requestMethodField,
        format.requestPathField, format.requestStatusField, format.span.idField, format.span.labelField,
        format.span.elapsedField };
    for (const QString &field : std::as_const(format.keyValueFields))
        wanted.insert(field);
    for (const auto &[field, kind] : std::as_const(format.keys))
        wanted.insert(field);
    wanted.remove(QString());
    for (const QStringList &names : std::as_const(format.patternGroups)) {
        QList<bool> keep;
        for (const QString &name : names)
            keep.append(wanted.contains(name));
        format.keyPatternGroups.append(keep);
    }
}

LogFormat readFormat(const QString &id, const QJsonObject &o, const QString &origin)
{
    const QString where = u"Log format \"%1\" in %2"_s.arg(id, origin);
    LogFormat format;
    format.id = id;
    format.origin = origin;
    format.title = o.value("title"_L1).toString(id);
    readSalvage(format, o.value("salvage"_L1).toObject(), where);
    readLnavExtras(format, o);
    if (o.value("json"_L1).toBool())
        format.kind = LogFormat::Kind::Json;
    else if (!format.csvColumns.isEmpty())
        format.kind = LogFormat::Kind::Csv;

    const QJsonObject regex = o.value("regex"_L1).toObject();
    for (auto it = regex.begin(); it != regex.end(); ++it) {
        QRegularExpression re
            = compile(it.value().toObject().value("pattern"_L1).toString(), where + u" regex \"%1\""_s.arg(it.key()));
        if (!format.payloadOnly && !re.namedCaptureGroups().contains("timestamp"_L1))
            throw Error(u"%1: regex \"%2\" has no (?<timestamp>…) group."_s.arg(where, it.key()));
        format.patternGroups.append(re.namedCaptureGroups());
        format.patterns.append(re);
    }
    if (format.kind == LogFormat::Kind::Text && format.patterns.isEmpty())
        throw Error(u"%1 has neither \"regex\" nor \"json\": true."_s.arg(where));

    if (o.contains("timestamp-field"_L1))
        format.timestampField = o.value("timestamp-field"_L1).toString();
    if (format.kind == LogFormat::Kind::Csv && !format.csvColumns.contains(format.timestampField))
        throw Error(u"%1: the timestamp field \"%2\" is not a CSV column."_s.arg(where, format.timestampField));
    const QJsonValue formats = o.value("timestamp-format"_L1);
    for (const QJsonValue &v : formats.isArray() ? formats.toArray() : QJsonArray { formats })
        if (!v.toString().isEmpty())
            format.timestampFormats.append(v.toString());
    // Like lnav, a format that names no timestamp format gets the common ISO 8601 shapes.
    if (format.timestampFormats.isEmpty() && !format.payloadOnly)
        format.timestampFormats = { u"%Y-%m-%dT%H:%M:%S.%f%z"_s, u"%Y-%m-%dT%H:%M:%S%z"_s, u"%Y-%m-%dT%H:%M:%S.%f"_s,
            u"%Y-%m-%dT%H:%M:%S"_s, u"%Y-%m-%d %H:%M:%S.%f%z"_s, u"%Y-%m-%d %H:%M:%S%z"_s, u"%Y-%m-%d %H:%M:%S.%f"_s,
            u"%Y-%m-%d %H:%M:%S,%f"_s, u"%Y-%m-%d %H:%M:%S"_s };
    try {
        format.timestamps
            = TimestampParser(format.timestampFormats, qint64(o.value("timestamp-divisor"_L1).toDouble(1)));
    } catch (const Error &e) {
        throw Error(where + u": "_s + e.message());
    }

    format.levelField = o.value("level-field"_L1).toString();
    format.bodyField = o.value("body-field"_L1).toString();
    const QJsonObject levels = o.value("level"_L1).toObject();
    for (auto it = levels.begin(); it != levels.end(); ++it) {
        const LogLevel level = levelFromName(it.key());
        if (level == LogLevel::Unknown)
            throw Error(
                u"%1: \"%2\" is not a level name (use trace, debug, info, notice, warning, error, critical or fatal)."_s
                    .arg(where, it.key()));
        const QString pattern = it.value().toString();
        format.levelMap.append({ level, compile(pattern, where + u" level \"%1\""_s.arg(it.key())) });
        const QStringList words = pattern.split(u'|');
        if (std::all_of(words.begin(), words.end(), isPlainWord))
            for (const QString &word : words)
                format.levelWords.insert(word.toUtf8(), level);
    }
    for (const QJsonValue &v : o.value("sample"_L1).toArray()) {
        const QJsonObject sample = v.toObject();
        format.samples.append(
            { sample.value("line"_L1).toString(), levelFromName(sample.value("level"_L1).toString()) });
    }
    markKeyGroups(format);
    return format;
}

} // namespace

LogLevel LogFormat::levelOf(const QString &value) const
{
    if (value.isEmpty())
        return LogLevel::Unknown;
    const auto word = levelWords.constFind(value.toUtf8());
    if (word != levelWords.constEnd())
        return *word;
    if (!levelWords.isEmpty())
        return LogLevel::Unknown; // plain-word maps match whole values only
    for (const auto &[level, re] : levelMap)
        if (re.match(value).hasMatch())
            return level;
    return LogLevel::Unknown;
}

QList<LogFormat> LogFormat::fromJson(const QByteArray &json, const QString &origin)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        throw Error(u"The log format file %1 is not valid JSON at offset %2: %3."_s.arg(
            origin, QString::number(error.offset), error.errorString()));
    if (!document.isObject())
        throw Error(u"The log format file %1 does not hold a JSON object."_s.arg(origin));
    QList<LogFormat> formats;
    const QJsonObject root = document.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key().startsWith(u'$') || !it.value().isObject())
            continue; // "$schema"
        formats.append(readFormat(it.key(), it.value().toObject(), origin));
    }
    if (formats.isEmpty())
        throw Error(u"The log format file %1 defines no format."_s.arg(origin));
    return formats;
}

} // namespace salvage
