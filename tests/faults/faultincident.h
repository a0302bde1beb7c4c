#pragma once

#include "db/pgsession.h"
#include "livesnapshot.h"
#include "restore/scriptrenderer.h"
#include "smallincident.h"
#include "testcluster.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QTest>

namespace salvage::test {

/// The incident every fault case starts from: account 2 and its 1,000 statuses deleted from LIVE.
/// LIVE carries an application trigger that the tests use as a gate: writing a status whose body
/// is 'gate' (status 1501, in the middle of the restored ones) waits for advisory lock 4242, so a
/// run can be held mid-statement (mid-INSERT, mid-COPY) while a fault is injected.
class FaultIncident
{
public:
    static constexpr const char *kSchema = R"SQL(
CREATE TABLE accounts (id bigint PRIMARY KEY, username text NOT NULL);
CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE, body text NOT NULL);
CREATE FUNCTION fault_gate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.body = 'gate' THEN PERFORM pg_advisory_xact_lock(4242); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER fault_gate BEFORE INSERT OR UPDATE ON statuses FOR EACH ROW EXECUTE FUNCTION fault_gate();
INSERT INTO accounts SELECT g, 'user' || g FROM generate_series(1, 3) g;
INSERT INTO statuses SELECT g, 1 + g % 3, CASE WHEN g = 1501 THEN 'gate' ELSE repeat('status text ', 8) || g END
  FROM generate_series(1, 3000) g;
)SQL";

    void build(const QString &name)
    {
        m_name = name;
        m_incident.build(name, kSchema, "DELETE FROM accounts WHERE id = 2;");
        m_script = ScriptRenderer::render(m_incident.plan(QStringLiteral("accounts WHERE id = 2")));
    }

    const QString &live() const { return m_incident.live(); }
    QString liveDatabase() const { return m_name + QStringLiteral("_live"); }
    /// The plan's script: restores account 2 and its statuses (the INSERT passes the gate).
    const QByteArray &script() const { return m_script; }
    QMap<QString, QString> digests() const { return tableDigests(live()); }
    QString value(const QString &sql) const { return m_incident.value(sql); }
    bool restored() const
    {
        return value(QStringLiteral("SELECT count(*) FROM statuses WHERE account_id = 2")) == QLatin1String("1000");
    }

    /// A session on the cluster's maintenance database, for terminating and watching LIVE's backends.
    static PgSession admin()
    {
        return PgSession(TestCluster::instance().conninfo(QStringLiteral("postgres")),
            PgSession::Options::writable(QStringLiteral("admin")));
    }

    /// The first value `sql` returns ($1 = LIVE's database name), "" for none.
    QString adminValue(PgSession &session, const QString &sql) const
    {
        const auto rows
            = session.exec(QString(sql).replace(QStringLiteral("$1"), QStringLiteral("'%1'").arg(liveDatabase())));
        return rows.empty() || rows[0][0].is_null() ? QString() : QString::fromStdString(rows[0][0].as<std::string>());
    }

    /// Terminates the sessions on LIVE (all but the gate's, or only `pid`) and waits until they are gone.
    void terminateLiveSessions(const QString &pid = {}) const
    {
        PgSession session = admin();
        const QString which = pid.isEmpty()
            ? QStringLiteral("datname = '%1' AND application_name <> 'salvage-fault-gate'").arg(liveDatabase())
            : QStringLiteral("pid = %1").arg(pid);
        session.exec(QStringLiteral(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE %1 AND pid <> pg_backend_pid()")
                         .arg(which));
    }

    /// Waits until a session on LIVE waits at the gate; returns its pid, 0 after 30 s.
    QString waitAtGate() const
    {
        PgSession session = admin();
        const QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            const QString pid = adminValue(session,
                QStringLiteral("SELECT min(pid) FROM pg_stat_activity WHERE datname = $1 "
                               "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"));
            if (!pid.isEmpty())
                return pid;
            QTest::qSleep(20);
        }
        return {};
    }

    /// Waits until backend `pid` is gone (a killed client's backend notices it at its next read).
    bool waitGone(const QString &pid) const
    {
        PgSession session = admin();
        const QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            if (adminValue(session, QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = %1").arg(pid))
                == QLatin1String("0"))
                return true;
            QTest::qSleep(50);
        }
        return false;
    }

private:
    SmallIncident m_incident;
    QString m_name;
    QByteArray m_script;
};

/// Holds the gate (advisory lock 4242, which belongs to LIVE's database) until released or destroyed.
class Gate
{
public:
    explicit Gate(const QString &live)
        : m_session(live, PgSession::Options::writable(QStringLiteral("gate")))
    {
        m_session.exec(QStringLiteral("SET application_name = 'salvage-fault-gate'"));
        m_session.exec(QStringLiteral("SELECT pg_advisory_lock(4242)"));
    }
    void release()
    {
        if (m_held)
            m_session.exec(QStringLiteral("SELECT pg_advisory_unlock(4242)"));
        m_held = false;
    }
    ~Gate()
    {
        try {
            release();
        } catch (...) {
        }
    }

private:
    PgSession m_session;
    bool m_held = true;
};

/// The names in a directory, for "nothing left behind".
inline QStringList entries(const QString &directory)
{
    return QDir(directory).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

} // namespace salvage::test
