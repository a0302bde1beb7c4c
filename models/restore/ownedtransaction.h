#pragma once

#include "core/error.h"

#include <QString>

namespace salvage {

class PgRaw;

/// The session left the transaction Salvage opened: something in the script ended it.
class TransactionLost : public Error
{
public:
    using Error::Error;
};

/// The transaction a preview or a run owns: opened by Salvage itself, its id taken at BEGIN, and
/// proven to be still the same open transaction before Salvage ends it (a COMMIT that slipped into
/// the script would otherwise go unnoticed, and a preview would report "rolled back" wrongly).
class OwnedTransaction
{
public:
    explicit OwnedTransaction(const PgRaw &session)
        : m_session(session)
    {
    }

    /// BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE, then the transaction's id.
    void begin();
    /// Cheap check after each statement: the session is inside a transaction block, not idle.
    void checkOpen() const;
    /// Before ROLLBACK or COMMIT: inside a transaction block, and the same one BEGIN opened.
    void verify() const;

private:
    const PgRaw &m_session;
    QString m_id;
};

} // namespace salvage
