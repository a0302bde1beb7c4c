#pragma once

// libpqxx 6.4 (Debian 12) and 7.x (Debian 13, Ubuntu 24.04) from one source: the few calls whose
// spelling differs between them, and nothing else. Code elsewhere uses these names instead of the
// differing libpqxx ones, so no version test appears outside this header and pqxxcompat.cpp.

#include <memory>
#include <string>
#include <vector>

#include <pqxx/connection>
#include <pqxx/result>
#include <pqxx/transaction>
#include <pqxx/version>

typedef struct pg_conn PGconn;

// 7.10 deprecates exec_params(), exec1() and make_dynamic_params() for exec(query, params); older
// releases lack that overload (or its params class), so they keep the old calls.
#if PQXX_VERSION_MAJOR > 7 || (PQXX_VERSION_MAJOR == 7 && PQXX_VERSION_MINOR >= 10)
#define SALVAGE_PQXX_EXEC_WITH_PARAMS 1
#else
#define SALVAGE_PQXX_EXEC_WITH_PARAMS 0
#endif

namespace salvage::pqxxcompat {

#if PQXX_VERSION_MAJOR >= 7
using Connection = pqxx::connection;
/// One consistent, read-only view of a database (the two sides of a comparison).
using ReadOnlySnapshot = pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::write_policy::read_only>;
#else
using Connection = pqxx::connection_base;
/// One consistent, read-only view of a database (the two sides of a comparison).
using ReadOnlySnapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
#endif

/// An owned connection; libpqxx 6's connection_base has no virtual destructor, so the deleter
/// destroys the concrete type.
using ConnectionPtr = std::unique_ptr<Connection, void (*)(Connection *)>;

/// Wraps the open libpq connection `handle`, which the result then owns and closes. `handle` is set
/// to null when libpqxx drops the connection, so it must outlive the result. It never reconnects by
/// itself: a silent reconnect would come back without the session's pinned settings and guard.
ConnectionPtr adopt(PGconn *&handle);

/// Runs `query` with its $n parameters bound to `args` in order.
template <typename... Args>
pqxx::result execParams(pqxx::transaction_base &transaction, const std::string &query, Args &&...args)
{
#if SALVAGE_PQXX_EXEC_WITH_PARAMS
    return transaction.exec(query, pqxx::params { std::forward<Args>(args)... });
#else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return transaction.exec_params(query, std::forward<Args>(args)...);
#pragma GCC diagnostic pop
#endif
}

/// Runs `query` with $1…$n bound to `values`, however many there are.
pqxx::result execParamList(
    pqxx::transaction_base &transaction, const std::string &query, const std::vector<std::string> &values);

/// Runs `query`, which must return exactly one row (pqxx::unexpected_rows otherwise), and returns it.
pqxx::row execOneRow(pqxx::transaction_base &transaction, const std::string &query);

/// execParams for a query that must return exactly one row.
template <typename... Args>
pqxx::row execParamsOneRow(pqxx::transaction_base &transaction, const std::string &query, Args &&...args)
{
#if SALVAGE_PQXX_EXEC_WITH_PARAMS
    return execParams(transaction, query, std::forward<Args>(args)...).one_row();
#else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return transaction.exec_params1(query, std::forward<Args>(args)...);
#pragma GCC diagnostic pop
#endif
}

} // namespace salvage::pqxxcompat
