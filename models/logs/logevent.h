#pragma once

#include "loglevel.h"

#include <QHash>
#include <QList>
#include <QString>

namespace salvage {

/// A correlation key found in an event: kind (request, job, actor, account, user, ip, …, or
/// the role of a row id: parameter, path, field, argument), value, and the table it most likely
/// names as the log wrote it (TableTag: "accounts", "account", "orders/items"), may be empty.
struct LogKey
{
    QString kind;
    QString value;
    QString table = {};

    bool operator==(const LogKey &other) const = default;
};

/// One parsed log entry: its UTC instant, the original text and timestamp as written, and the
/// fields, level, message and correlation keys its format found.
struct LogEvent
{
    enum Flag : quint16 {
        InvalidUtf8 = 0x100, ///< bytes that are not UTF-8 were replaced (U+FFFD)
        HasNul = 0x200, ///< NUL bytes were replaced (U+2400)
        Unparsed = 0x400, ///< no pattern of the format matched: the raw line is the message
        Cut = 0x800, ///< longer than Salvage parses; the text is cut
    };

    qint64 instantMs = 0;
    QString originalTime; ///< the timestamp exactly as the log wrote it
    LogLevel level = LogLevel::Unknown;
    QString format; ///< format id (payload format for envelopes)
    QString message; ///< without envelope and timestamp prefix
    QString body; ///< the format's body field (what span rules match), ANSI stripped
    QString raw; ///< the entry's text, all its lines
    QString lane; ///< sub-lane (worker class, process), may be empty
    QString timestampDesc;
    QHash<QString, QString> fields;
    QList<LogKey> keys;
    quint16 flags = 0; ///< LineIndex flags in the low byte, Flag above
    qint64 line = 0;
};

} // namespace salvage
