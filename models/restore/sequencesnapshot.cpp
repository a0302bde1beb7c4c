#include "restore/sequencesnapshot.h"

#include "core/error.h"
#include "db/pgraw.h"
#include "db/sqlident.h"

namespace salvage {

namespace {

// One query reads this many sequences (a UNION ALL of one-row reads).
constexpr qsizetype kBatch = 500;

} // namespace

SequenceSnapshot SequenceSnapshot::take(const PgRaw &session)
{
    SequenceSnapshot snapshot;
    // Every sequence, not only those of the tables the script names: triggers and defaults reach others.
    const auto sequences = session.exec(QStringLiteral(
        "SELECT c.oid::text, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'S' AND NOT pg_is_other_temp_schema(n.oid) AND has_table_privilege(c.oid, 'SELECT') "
        "ORDER BY c.oid"));
    for (int row = 0; row < PgRaw::rows(sequences); ++row) {
        State state;
        state.oid = PgRaw::value(sequences, row, 0);
        const QString schema = PgRaw::value(sequences, row, 1);
        const QString name = PgRaw::value(sequences, row, 2);
        state.name = schema + QLatin1Char('.') + name;
        state.sql = sql::qualified(schema, name);
        snapshot.m_states.append(state);
    }
    read(session, snapshot.m_states);
    return snapshot;
}

void SequenceSnapshot::read(const PgRaw &session, QList<State> &states)
{
    for (qsizetype from = 0; from < states.size(); from += kBatch) {
        QStringList parts;
        const qsizetype to = qMin(states.size(), from + kBatch);
        for (qsizetype i = from; i < to; ++i)
            parts << QStringLiteral("SELECT %1 AS i, last_value::text, is_called FROM %2")
                         .arg(i - from)
                         .arg(states.at(i).sql);
        const auto values = session.exec(parts.join(QStringLiteral(" UNION ALL ")));
        for (int row = 0; row < PgRaw::rows(values); ++row) {
            State &state = states[from + PgRaw::value(values, row, 0).toInt()];
            state.lastValue = PgRaw::value(values, row, 1);
            state.isCalled = PgRaw::value(values, row, 2) == QLatin1String("t");
        }
    }
}

QStringList SequenceSnapshot::restore(const PgRaw &session) const
{
    QList<State> now = m_states;
    read(session, now);
    QStringList restored;
    for (qsizetype i = 0; i < now.size(); ++i) {
        const State &before = m_states.at(i);
        if (now.at(i).lastValue == before.lastValue && now.at(i).isCalled == before.isCalled)
            continue;
        try {
            session.exec(QStringLiteral("SELECT setval($1::oid::regclass, $2::bigint, $3::boolean)"),
                { before.oid, before.lastValue, before.isCalled ? QStringLiteral("true") : QStringLiteral("false") });
        } catch (const Error &error) {
            throw Error(QStringLiteral("the sequence %1 could not be put back to %2: %3")
                            .arg(before.name, before.lastValue, error.message()));
        }
        restored << before.name;
    }
    return restored;
}

} // namespace salvage
