#pragma once

#include "eventkeys.h"
#include "logevent.h"
#include "logformat.h"
#include "logkeyextractor.h"

#include <optional>

namespace salvage {

/// Turns the bytes of one index entry into a LogEvent with the file's format (and, for
/// envelopes such as docker or syslog, the payload's format). Any bytes are accepted: invalid
/// UTF-8, NUL and overlong text are replaced or cut and flagged, never fatal. Not shared
/// between threads: each keeps its own cache of level values.
class EventParser
{
public:
    /// Full: everything a row shows. Keys: what the correlation pass needs (fields, keys,
    /// level, lane, body), without composing the message and continuation lines.
    enum class Detail { Full, Keys };

    EventParser(const LogFormat *format, const LogFormat *payload);
    // A copy would share the caches' pointer into this one's (formatKeys()).
    EventParser(const EventParser &) = delete;
    EventParser &operator=(const EventParser &) = delete;

    /// Parses `entry`; `lineFormat` overrides the file's format (per-line fallback).
    LogEvent parse(const QByteArray &entry, const LogFormat *lineFormat = nullptr, Detail detail = Detail::Full) const;

    /// What the parse pass needs of `entry`, read from its bytes without building a LogEvent, when
    /// the common case applies: one line of ASCII text (no NUL, CR, ANSI colour) matching a pattern
    /// of a text format that has no envelope, key=value fields, field or body patterns or span
    /// rule, with no statement, constraint or argument list in its body. The same as a Keys
    /// parse() then (without the index's instant and level); false when it does not apply.
    /// `methodField` empty: no request shape.
    bool keysOf(QByteArrayView entry, const LogFormat *lineFormat, const QString &methodField, const QString &pathField,
        const QString &statusField, EventKeys &keys) const;

    /// True when `line` is in `format` (regex match, JSON with the timestamp field, CSV record).
    static bool matches(const LogFormat &format, const QString &line);
    /// The payload an envelope carries in `line`, or nothing when the line is not in the envelope.
    static std::optional<QString> payloadOf(const LogFormat &envelope, const QString &line);
    /// Text of bytes as UTF-8 with flags for what had to be replaced.
    static QString decode(QByteArrayView bytes, quint16 *flags);
    /// Removes ANSI colour sequences (Sidekiq 8 on a terminal).
    static QString stripAnsi(const QString &text);

private:
    /// Fills `fields` from the first line (or the whole entry for CSV); false when nothing matched.
    /// `keysOnly`: leaves out the regex groups a Keys parse never reads.
    /// `json`: the parsed object of a JSON line, for the keys read from it.
    static bool extract(const LogFormat &format, const QString &first, const QString &whole,
        QHash<QString, QString> &fields, bool keysOnly = false, QJsonObject *json = nullptr);
    /// The keys that name rows (LogKeyExtractor) in an entry parsed with `format`.
    void addRowKeys(const LogFormat &format, const QHash<QString, QString> &fields, const QString &text,
        const QJsonObject &json, LogEvent &event) const;
    /// What a format's keys need per event, worked out once: the fields it keys (not read again
    /// as row keys) and each key's table tag ("account" for ctx/account_id), in format.keys order.
    struct FormatKeys
    {
        QSet<QString> fields;
        QStringList tags;
        bool lineKeys = false; ///< keysOf() may read its lines
        QList<bool> combined; ///< per pattern: CombinedLineMatcher reads it
        /// Per pattern, the capture group (or -1) of each field keysOf() reads.
        struct PatternFields
        {
            int body = -1, level = -1, lane = -1, path = -1;
            QList<int> keys; ///< in format.keys order
        };
        QList<PatternFields> patternFields;
        QList<bool> ipKeys; ///< per format.keys: an "ip" key (its port is cut)
        QHash<QByteArray, LogLevel> levels; ///< keysOf()'s levelOf(), remembered
    };
    FormatKeys &formatKeys(const LogFormat &format) const;
    static void addKeyValues(const LogFormat &format, QHash<QString, QString> &fields);
    /// A key's value as it correlates across sources (an ip without its port).
    static QString keyValue(const QString &kind, const QString &value);
    /// The lines joined to an entry; `payload`: the format they carry inside the envelope `format`.
    static QString continuation(const LogFormat &format, const LogFormat *payload, const QString &rest);
    /// rsyslog's #ooo escapes of control characters (#012: newline, #011: tab) turned back.
    static QString unescapeOctal(const QString &text);
    QString messageOf(const LogFormat &format, const QHash<QString, QString> &fields) const;
    /// `pattern` with its "{field}" placeholders filled; `filled` is set when one had a value.
    QString fill(const QString &pattern, const QHash<QString, QString> &fields, bool *filled) const;
    /// A message template cut once into literal text and field names: (text, field) pairs, the
    /// field empty after the last literal. Matching the placeholders per event cost more than
    /// filling them.
    using TemplateParts = QList<QPair<QString, QString>>;
    const TemplateParts &templateParts(const QString &pattern) const;
    /// format.levelOf(value), remembered: a regex level map (access-log statuses) costs more per
    /// event than the rest of a parse, and sees few distinct values.
    LogLevel levelOf(const LogFormat &format, const QString &value) const;

    const LogFormat *m_format;
    const LogFormat *m_payload;
    mutable QHash<const LogFormat *, QHash<QString, LogLevel>> m_levels;
    mutable QHash<const LogFormat *, FormatKeys> m_formatKeys;
    mutable const LogFormat *m_lastFormat = nullptr; ///< formatKeys()'s last answer
    mutable FormatKeys *m_lastFormatKeys = nullptr;
    mutable QHash<QString, TemplateParts> m_templates;
    mutable QString m_line; ///< keysOf()'s line as text, its buffer kept from line to line
    mutable QHash<QByteArray, QString> m_pathTables; ///< keysOf()'s table tags of path ids, by "parent/resource"
    mutable QByteArray m_pathTableName; ///< its key, the buffer kept from id to id
    LogKeyExtractor m_keys;
};

} // namespace salvage
