#include "diff/difflanes.h"

#include "core/error.h"
#include "db/pgsession.h"
#include "db/sqlident.h"
#include "diff/logcategory.h"

#include <libpq-fe.h>

namespace salvage {

namespace {
// The parameters libpq connected `connection` with (the password included, when one was given), as
// a conninfo string: the new session goes where the first one went, as the same user.
QString sameConninfo(PGconn *connection)
{
    const std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption *)> options(
        PQconninfo(connection), PQconninfoFree);
    QStringList parts;
    for (const PQconninfoOption *option = options ? options.get() : nullptr; option && option->keyword; ++option) {
        if (!option->val || !*option->val)
            continue;
        parts << QString::fromUtf8(option->keyword) + QLatin1Char('=')
                + sql::quoteConninfoValue(QString::fromUtf8(option->val));
    }
    return parts.join(QLatin1Char(' '));
}
} // namespace

struct DiffLanes::Extra
{
    PgSession backup;
    PgSession live;
    SidePair pair;

    Extra(PGconn *backupConnection, PGconn *liveConnection, JobControl &control, const SidePair::Snapshots &snapshots)
        : backup(sameConninfo(backupConnection), PgSession::Options { true, QStringLiteral("BACKUP"), 15 })
        , live(sameConninfo(liveConnection), PgSession::Options { true, QStringLiteral("LIVE"), 15 })
        , pair(backup, live, control, &snapshots)
    {
    }
};

int DiffLanes::wanted()
{
    bool ok = false;
    const int lanes = qEnvironmentVariableIntValue("SALVAGE_DIFF_LANES", &ok);
    return ok && lanes >= 1 ? lanes : kDefaultLanes;
}

DiffLanes::DiffLanes(SidePair &first, PgSession &backup, PgSession &live, JobControl &control, int lanes)
{
    m_pairs << &first;
    if (lanes <= 1)
        return;
    const std::optional<SidePair::Snapshots> snapshots = first.exportSnapshots();
    if (!snapshots) {
        qCDebug(lcDiff) << "one lane: a side cannot export its snapshot";
        return;
    }
    for (int i = 1; i < lanes; ++i) {
        try {
            m_extras.push_back(std::make_unique<Extra>(backup.handle(), live.handle(), control, *snapshots));
            m_pairs << &m_extras.back()->pair;
        } catch (const Error &error) {
            // More sessions are a speed-up only: the diff goes on with the lanes it has.
            qCDebug(lcDiff) << "lane" << i << "not opened:" << error.message();
            break;
        }
    }
}

DiffLanes::~DiffLanes() = default;

void DiffLanes::cancelAll() const
{
    for (const SidePair *pair : m_pairs)
        pair->cancel();
}

} // namespace salvage
