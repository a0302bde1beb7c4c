#include "diff/sidepair.h"

#include "core/error.h"
#include "db/dberror.h"
#include "db/pgsession.h"
#include "db/pqxxcompat.h"
#include "jobs/jobcontrol.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <future>

namespace salvage {

void DiffSide::compiled(int serverVersionNum, const std::function<void()> &work)
{
    if (serverVersionNum < 110000) {
        work();
        return;
    }
    static const char *const names[] = { "jit", "jit_above_cost", "jit_inline_above_cost", "jit_optimize_above_cost",
        "max_parallel_workers_per_gather" };
    static const char *const values[] = { "on", "0", "0", "0", "0" };
    const pqxx::row before = pqxxcompat::execOneRow(txn(),
        "SELECT current_setting('jit'), current_setting('jit_above_cost'), current_setting('jit_inline_above_cost'), "
        "current_setting('jit_optimize_above_cost'), current_setting('max_parallel_workers_per_gather')");
    // SET rather than SELECT set_config(): a utility statement is neither planned nor compiled,
    // while every SELECT after jit_above_cost = 0 was JIT-compiled (about 30 ms of CPU each).
    std::string set, reset;
    for (int i = 0; i < 5; ++i) {
        set += std::string("SET LOCAL ") + names[i] + " = " + txn().quote(std::string(values[i])) + ";";
        reset += std::string("SET LOCAL ") + names[i] + " = " + txn().quote(std::string(before[i].c_str())) + ";";
    }
    txn().exec(set);
    work();
    txn().exec(reset);
}

SidePair::SidePair(PgSession &backup, PgSession &live, JobControl &control, const Snapshots *imported)
    : m_control(control)
{
    m_backup.which = DiffSide::Backup;
    m_backup.session = &backup;
    m_live.which = DiffSide::Live;
    m_live.session = &live;
    // Both snapshots are taken concurrently, then every query of the diff sees the same data even
    // while live keeps changing.
    both([imported](DiffSide &side) {
        side.transaction = std::make_unique<pqxxcompat::ReadOnlySnapshot>(side.session->connection(), "salvage diff");
        // The server's own id, quoted all the same (SET TRANSACTION SNAPSHOT takes no parameter).
        if (imported)
            side.transaction->exec("SET TRANSACTION SNAPSHOT " + side.transaction->quote((*imported)[side.which]));
        // The planner cannot estimate how few buckets there are and would sort whole tables to
        // group them; hashing the groups is always right here.
        side.transaction->exec("SET LOCAL enable_sort = off");
        // …which makes every plan look expensive enough to JIT-compile, costing seconds per query.
        side.transaction->exec("SET LOCAL jit = off");
        // Room to group a large table's ranges in memory rather than in batches on disk.
        side.transaction->exec("SET LOCAL work_mem = '64MB'");
    });
}

std::optional<SidePair::Snapshots> SidePair::exportSnapshots()
{
    Snapshots snapshots;
    std::atomic<bool> exportable { true };
    // Asked first: a failed pg_export_snapshot() would abort the snapshot this pair still needs.
    both([&](DiffSide &side) {
        const pqxx::row row = pqxxcompat::execOneRow(side.txn(), "SELECT NOT pg_is_in_recovery()");
        if (!row[0].as<bool>())
            exportable.store(false);
    });
    if (!exportable)
        return std::nullopt;
    both([&](DiffSide &side) {
        snapshots[side.which] = pqxxcompat::execOneRow(side.txn(), "SELECT pg_export_snapshot()")[0].c_str();
    });
    return snapshots;
}

void SidePair::cancel() const
{
    m_backup.session->cancel();
    m_live.session->cancel();
}

SidePair::~SidePair()
{
    // Aborting may block on a server still finishing a cancelled statement; never throw from here.
    for (DiffSide *side : { &m_backup, &m_live }) {
        try {
            side->transaction.reset();
        } catch (...) {
        }
    }
}

void SidePair::both(const std::function<void(DiffSide &)> &work)
{
    run(true, true, work);
}

void SidePair::one(DiffSide::Which which, const std::function<void(DiffSide &)> &work)
{
    run(which == DiffSide::Backup, which == DiffSide::Live, work);
}

void SidePair::run(bool backup, bool live, const std::function<void(DiffSide &)> &work)
{
    m_control.throwIfCancelled();
    std::future<void> futures[2];
    DiffSide *sides[2] = { &m_backup, &m_live };
    const bool wanted[2] = { backup, live };
    std::atomic<bool> failed { false };
    for (int i = 0; i < 2; ++i) {
        if (wanted[i])
            futures[i] = std::async(std::launch::async, [&work, &failed, side = sides[i]] {
                try {
                    work(*side);
                } catch (...) {
                    failed.store(true);
                    throw;
                }
            });
    }
    // Wait, and while waiting turn a cancel request (or the other side's failure) into a cancel on
    // each busy server, so that no statement is left running.
    bool cancelSent = false;
    for (int i = 0; i < 2; ++i) {
        if (!futures[i].valid())
            continue;
        while (futures[i].wait_for(std::chrono::milliseconds(40)) != std::future_status::ready) {
            if ((m_control.isCancelled() || failed.load()) && !cancelSent) {
                m_backup.session->cancel();
                m_live.session->cancel();
                cancelSent = true;
            }
        }
    }
    QString failure;
    for (int i = 0; i < 2; ++i) {
        if (!futures[i].valid())
            continue;
        try {
            futures[i].get();
        } catch (const Error &error) {
            if (failure.isEmpty())
                failure = error.message();
        } catch (const std::exception &error) {
            // A side we cancelled because the other failed reports 57014; the real cause wins.
            if (failure.isEmpty() || sqlStateOf(error) != QLatin1String("57014"))
                failure = describeDatabaseError(error, sides[i]->session->where());
        }
    }
    if (m_control.isCancelled())
        throw Cancelled();
    if (!failure.isEmpty())
        throw Error(failure);
}

} // namespace salvage
