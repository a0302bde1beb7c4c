#pragma once

#include "loglevel.h"
#include "timestampparser.h"

#include <QHash>
#include <QList>
#include <QRegularExpression>
#include <QStringList>

namespace salvage {

/// How start/done pairs of one format become spans (Sidekiq jobs).
struct SpanRule
{
    QString idField;
    QString labelField;
    QRegularExpression start;
    QRegularExpression end;
    QRegularExpression failed;
    QString elapsedField;
    double elapsedUnitMs = 1000.0;

    bool isValid() const { return !idField.isEmpty(); }
};

/// One log format, loaded from lnav-compatible JSON: named-capture regexes (or JSON/CSV fields),
/// timestamp formats, a level map, correlation keys and the sample lines that the tests run.
/// Salvage's own additions live under the "salvage" object, which lnav ignores.
class LogFormat
{
public:
    enum class Kind { Text, Json, Csv };
    struct Sample
    {
        QString line;
        LogLevel level = LogLevel::Unknown;
    };

    QString id;
    QString title;
    QStringList aliases; ///< other ids a workspace or the CLI may use ("nginx-combined")
    QString origin; ///< file it came from
    Kind kind = Kind::Text;
    bool envelope = false; ///< docker, journald, syslog: carries another format's line as payload
    bool octalEscapes = false; ///< rsyslog writes control characters in the body as #ooo (#012: newline)
    bool partialLines = false; ///< JSON: an entry whose body lacks its final newline goes on in the next line
    /// A line continuing an entry (inside an envelope: a payload with no timestamp of its own that
    /// matches); its (?<body>…) is what the message shows. Empty pattern: none.
    QRegularExpression continuationPattern;
    bool payloadOnly = false; ///< has no time of its own: only ever read inside an envelope
    QList<QRegularExpression> patterns;
    QList<QStringList> patternGroups; ///< named groups of each pattern, by capture number
    QList<QList<bool>> keyPatternGroups; ///< per pattern and capture: read by a Keys parse
    QStringList timestampFormats;
    TimestampParser timestamps;
    QString timestampField = QStringLiteral("timestamp"); ///< regex group, JSON field or CSV column
    QString levelField;
    QString bodyField;
    QString messageTemplate; ///< "{field} {field}", empty: the body field
    QStringList messageLines; ///< instead: one line per template, kept when one of its fields has a value
    QString laneField;
    QString timestampDesc = QStringLiteral("Logged");
    QList<QPair<LogLevel, QRegularExpression>> levelMap;
    QHash<QByteArray, LogLevel> levelWords; ///< plain-word level values, looked up on raw bytes
    QList<QByteArray> joinLevels; ///< entries with these levels continue the previous one
    QStringList keyValueFields;
    QList<QRegularExpression> bodyPatterns;
    QList<QPair<QString, QRegularExpression>> fieldPatterns; ///< field → regex whose named groups become fields
    QList<QPair<QString, QString>> keys; ///< field → key kind (request, job, actor, …)
    QString requestMethodField, requestPathField, requestStatusField;
    SpanRule span;
    QStringList csvColumns;
    QList<Sample> samples;

    /// Level of a level-field value through the level map; Unknown when nothing matches.
    LogLevel levelOf(const QString &value) const;

    /// Every format defined in one JSON document. Throws salvage::Error naming the file, the
    /// format and what is wrong (bad regex with its offset, missing timestamp, unknown level…).
    static QList<LogFormat> fromJson(const QByteArray &json, const QString &origin);
};

} // namespace salvage
