#pragma once

#include "db/pqxxcompat.h"
#include <QString>
#include <functional>
#include <memory>

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
};

/// Runs the same step on BACKUP and LIVE at the same time, each on its own thread and session, and
/// turns a cancel request into libpq cancels on both servers so that nothing is left running.
class SidePair
{
public:
    /// Opens a REPEATABLE READ, READ ONLY snapshot on each session (both stay owned by the caller).
    SidePair(PgSession &backup, PgSession &live, JobControl &control);
    ~SidePair();
    SidePair(const SidePair &) = delete;
    SidePair &operator=(const SidePair &) = delete;

    DiffSide &side(DiffSide::Which which) { return which == DiffSide::Backup ? m_backup : m_live; }

    /// Runs `work` once per side concurrently and waits for both. Throws Cancelled when the job was
    /// cancelled (after both servers stopped), or salvage::Error naming the side that failed.
    void both(const std::function<void(DiffSide &)> &work);
    /// Runs `work` on one side, still answering cancel requests while it waits.
    void one(DiffSide::Which which, const std::function<void(DiffSide &)> &work);

private:
    void run(bool backup, bool live, const std::function<void(DiffSide &)> &work);

    JobControl &m_control;
    DiffSide m_backup;
    DiffSide m_live;
};

} // namespace salvage
