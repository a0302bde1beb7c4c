#pragma once

#include "db/pqxxcompat.h"
#include <QString>
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <pqxx/pqxx>

namespace salvage {

class JobControl;
class PgSession;

/// One side of a comparison: its session and the read-only snapshot every query of the diff sees.
struct DiffSide
{
    enum Which { Backup = 0, Live = 1 };
    Which which = Backup;
    PgSession *session = nullptr;
    std::unique_ptr<pqxxcompat::ReadOnlySnapshot> transaction;

    pqxx::transaction_base &txn() { return *transaction; }
    QString name() const { return which == Backup ? QStringLiteral("backup") : QStringLiteral("live"); }

    /// Runs `work` with the statement compiled to machine code by the server's JIT (inlined and
    /// optimised, where the server has it; from PostgreSQL 11 on) and in this backend alone, then
    /// puts both settings back: for one pass over a large table, where it saves a third of the CPU
    /// (the compilation costs a few hundred milliseconds, in every parallel worker).
    void compiled(int serverVersionNum, const std::function<void()> &work);
};

/// Runs the same step on BACKUP and LIVE at the same time, each on its own thread and session, and
/// turns a cancel request into libpq cancels on both servers so that nothing is left running.
class SidePair
{
public:
    /// Snapshot ids from pg_export_snapshot(), backup's then live's.
    using Snapshots = std::array<std::string, 2>;

    /// Opens a REPEATABLE READ, READ ONLY snapshot on each session (both stay owned by the caller),
    /// or takes on `imported` (another pair's exportSnapshots()) so that both pairs see the same data.
    SidePair(PgSession &backup, PgSession &live, JobControl &control, const Snapshots *imported = nullptr);
    ~SidePair();
    SidePair(const SidePair &) = delete;
    SidePair &operator=(const SidePair &) = delete;

    DiffSide &side(DiffSide::Which which) { return which == DiffSide::Backup ? m_backup : m_live; }

    /// Runs `work` once per side concurrently and waits for both. Throws Cancelled when the job was
    /// cancelled (after both servers stopped), or salvage::Error naming the side that failed.
    void both(const std::function<void(DiffSide &)> &work);
    /// Runs `work` on one side, still answering cancel requests while it waits.
    void one(DiffSide::Which which, const std::function<void(DiffSide &)> &work);
    /// Both snapshots for other pairs to import; none when a side cannot export one (a standby).
    std::optional<Snapshots> exportSnapshots();
    /// Cancels whatever both sessions run now (another pair failed). Thread-safe.
    void cancel() const;

private:
    void run(bool backup, bool live, const std::function<void(DiffSide &)> &work);

    JobControl &m_control;
    DiffSide m_backup;
    DiffSide m_live;
};

} // namespace salvage
