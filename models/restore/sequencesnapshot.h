#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace salvage {

class PgRaw;

/// The state (last_value, is_called) of every sequence the session may read, taken before a
/// preview so that it can put them back: nextval and setval are not rolled back with the
/// transaction. Put back in the same transaction, before its ROLLBACK.
class SequenceSnapshot
{
public:
    static SequenceSnapshot take(const PgRaw &session);

    /// setval()s every sequence whose state differs from the snapshot; returns their names.
    QStringList restore(const PgRaw &session) const;

private:
    struct State
    {
        QString oid;
        QString name; ///< schema.name, for messages
        QString sql; ///< quoted, to read it
        QString lastValue;
        bool isCalled = false;
    };

    static void read(const PgRaw &session, QList<State> &states);

    QList<State> m_states;
};

} // namespace salvage
