#include "pqxxcompat.h"

#include <libpq-fe.h>
#include <utility>

#if PQXX_VERSION_MAJOR < 7
#include <pqxx/basic_connection>
#include <pqxx/connectionpolicy>
#endif

namespace salvage::pqxxcompat {

#if PQXX_VERSION_MAJOR >= 7

// libpqxx 7 only closes a connection when told to or destroyed, so the handle stays valid throughout.
ConnectionPtr adopt(PGconn *&handle)
{
    try {
        return ConnectionPtr(new pqxx::connection(pqxx::connection::seize_raw_connection(handle)),
            [](Connection *connection) { delete connection; });
    } catch (...) {
        PQfinish(handle); // the connection never took it
        handle = nullptr;
        throw;
    }
}

#else

namespace {

// libpqxx 6 builds its policy inside the connection's constructor, from a string: this is how the
// policy being built finds the handle to adopt, on the same thread.
thread_local PGconn **t_adopting = nullptr;

/// A libpqxx 6 connection policy that hands over an already open libpq connection instead of
/// opening one, and refuses to open another.
class AdoptingPolicy : public pqxx::connectionpolicy
{
public:
    explicit AdoptingPolicy(const std::string &options)
        : pqxx::connectionpolicy(options)
        , m_handle(std::exchange(t_adopting, nullptr))
    {
    }

    handle do_startconnect(handle orig) override
    {
        if (orig)
            return orig;
        if (m_taken || !*m_handle)
            throw pqxx::broken_connection("the connection was lost and is not reopened");
        m_taken = true;
        return *m_handle;
    }

    handle do_dropconnect(handle orig) noexcept override
    {
        *m_handle = nullptr;
        return pqxx::connectionpolicy::do_dropconnect(orig);
    }

private:
    PGconn **m_handle;
    bool m_taken = false;
};

using AdoptingConnection = pqxx::basic_connection_base<AdoptingPolicy>;

} // namespace

ConnectionPtr adopt(PGconn *&handle)
{
    t_adopting = &handle;
    try {
        ConnectionPtr connection(new AdoptingConnection(std::string()),
            [](Connection *adopted) { delete static_cast<AdoptingConnection *>(adopted); });
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        connection->inhibit_reactivation(true);
#pragma GCC diagnostic pop
        return connection;
    } catch (...) {
        if (std::exchange(t_adopting, nullptr) == &handle) {
            PQfinish(handle); // the policy never took it
            handle = nullptr;
        }
        throw;
    }
}

#endif

pqxx::result execParamList(
    pqxx::transaction_base &transaction, const std::string &query, const std::vector<std::string> &values)
{
#if SALVAGE_PQXX_EXEC_WITH_PARAMS
    pqxx::params params;
    params.append_multi(values);
    return transaction.exec(query, params);
#else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return transaction.exec_params(query, pqxx::prepare::make_dynamic_params(values));
#pragma GCC diagnostic pop
#endif
}

pqxx::row execOneRow(pqxx::transaction_base &transaction, const std::string &query)
{
#if SALVAGE_PQXX_EXEC_WITH_PARAMS
    return transaction.exec(query).one_row();
#else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return transaction.exec1(query);
#pragma GCC diagnostic pop
#endif
}

} // namespace salvage::pqxxcompat
