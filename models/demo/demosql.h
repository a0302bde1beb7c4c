#pragma once

#include "db/pgsession.h"
#include "db/pqxxcompat.h"

#include <QString>
#include <pqxx/nontransaction>
#include <type_traits>

namespace salvage {

/// Runs the demo's set-wise generation statements on a writable session, autocommit, with
/// bound values; turns server errors into salvage::Error naming the step.
class DemoSql
{
public:
    explicit DemoSql(PgSession &session)
        : m_session(session)
    {
    }

    template <typename... Args> pqxx::result run(const QString &step, const QString &statement, Args &&...args)
    {
        try {
            pqxx::nontransaction transaction(m_session.connection());
            return pqxxcompat::execParams(transaction, statement.toStdString(), param(std::forward<Args>(args))...);
        } catch (const std::exception &error) {
            fail(step, error);
        }
    }

    /// Several statements without parameters, in one round trip.
    void script(const QString &step, const QString &statements);
    /// The first column of the first row as an integer (for counts and ids).
    qint64 scalar(const QString &step, const QString &statement);

    PgSession &session() { return m_session; }

private:
    // libpqxx binds std::string, not QString.
    template <typename T> static decltype(auto) param(T &&value)
    {
        if constexpr (std::is_same_v<std::decay_t<T>, QString>)
            return value.toStdString();
        else
            return std::forward<T>(value);
    }
    [[noreturn]] void fail(const QString &step, const std::exception &error);
    PgSession &m_session;
};

} // namespace salvage
