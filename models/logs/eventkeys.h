#pragma once

#include "logevent.h"

#include <QByteArray>
#include <QVarLengthArray>

#include <algorithm>

namespace salvage {

/// What the parse pass (CorrelationPass) keeps of an entry: its instant, level, sub-lane, keys
/// and request shape. EventParser::keysOf() fills it from the entry's bytes without building a
/// LogEvent, key values pointing into those bytes where it can: valid until the next entry is read.
struct EventKeys
{
    struct Key
    {
        QString kind;
        QByteArray value; ///< UTF-8
        QString table;
    };

    qint64 instantMs = 0;
    LogLevel level = LogLevel::Unknown;
    QString lane;
    QVarLengthArray<Key, 4> keys;
    /// The request's method, path and status, when the pass asked for them (else empty).
    QString method, path, status;

    /// Adds the key unless the entry has it already (a field and its path may name the same).
    void addUnique(const QString &kind, const QByteArray &value, const QString &table)
    {
        const auto same = [&](const Key &key) { return key.kind == kind && key.value == value && key.table == table; };
        if (std::none_of(keys.begin(), keys.end(), same))
            keys.append({ kind, value, table });
    }
    void clear()
    {
        level = LogLevel::Unknown;
        lane.clear();
        keys.clear();
        method.clear();
        path.clear();
        status.clear();
    }
    /// The same from a parsed event; `methodField` empty: no request shape.
    void assign(const LogEvent &event, const QString &methodField, const QString &pathField, const QString &statusField)
    {
        clear();
        instantMs = event.instantMs;
        level = event.level;
        lane = event.lane;
        for (const LogKey &key : event.keys)
            keys.append({ key.kind, key.value.toUtf8(), key.table });
        if (!methodField.isEmpty()) {
            method = event.fields.value(methodField);
            path = event.fields.value(pathField);
            status = event.fields.value(statusField);
        }
    }
};

} // namespace salvage
