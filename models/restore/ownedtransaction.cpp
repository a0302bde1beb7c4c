#include "restore/ownedtransaction.h"

#include "db/pgraw.h"

#include <libpq-fe.h>

namespace salvage {

namespace {

// txid_current() assigns the transaction an id if it has none; it lives as long as the transaction.
const QString kTransactionId = QStringLiteral("SELECT txid_current()::text");

} // namespace

void OwnedTransaction::begin()
{
    m_session.exec(QStringLiteral("BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"));
    m_id = PgRaw::value(m_session.exec(kTransactionId), 0, 0);
}

void OwnedTransaction::checkOpen() const
{
    const PGTransactionStatusType status = PQtransactionStatus(m_session.handle());
    if (status == PQTRANS_IDLE)
        throw TransactionLost(
            QStringLiteral("the transaction Salvage opened has ended (the session is idle): something in the "
                           "script committed or rolled back, and what ran before it may be committed on LIVE"));
}

void OwnedTransaction::verify() const
{
    checkOpen();
    const PGTransactionStatusType status = PQtransactionStatus(m_session.handle());
    if (status != PQTRANS_INTRANS)
        throw TransactionLost(
            QStringLiteral("the session is not in a usable transaction before its end (libpq status %1)")
                .arg(int(status)));
    const QString now = PgRaw::value(m_session.exec(kTransactionId), 0, 0);
    if (now != m_id)
        throw TransactionLost(
            QStringLiteral("the transaction at the end of the script (id %1) is not the one Salvage opened (id %2): "
                           "something in the script ended it, and what ran before may be committed on LIVE")
                .arg(now, m_id));
}

} // namespace salvage
