#pragma once

#include <QString>

typedef struct pg_conn PGconn;

namespace salvage {

/// After a COMMIT whose answer was lost with the connection: asks the server, on a new connection
/// made with the lost one's parameters, whether the run's transaction committed (txid_status).
namespace CommitOutcome {
enum class Outcome { Committed, Aborted, Unknown };
/// `xid` is the run's txid_current(); waits up to `timeoutSeconds` while the old backend finishes.
Outcome ask(PGconn *lost, const QString &xid, int timeoutSeconds = 10);
} // namespace CommitOutcome

} // namespace salvage
