#pragma once

#include "workspace/workspace.h"

#include <QList>
#include <QString>

namespace salvage {

class DemoSql;

/// Renders the session's recorded events (DemoTraffic's temporary tables) as the servers' own
/// log files, streamed out of PostgreSQL with COPY, ordered by time:
///  - nginx/access.log (+ access.log.1.gz before the rotation): combined format, local time with offset;
///  - mastodon/production.log: Ruby Logger lines with a request-id tag and lograge key=value, naive local time;
///  - sidekiq/sidekiq.log: Sidekiq 6 text format, UTC with Z, start/done with elapsed=;
///  - postgresql/postgresql-15-main.log: the default '%m [%p] ' prefix with the zone abbreviation,
///    DETAIL/STATEMENT lines and tab-indented continuation lines.
class DemoLogWriter
{
public:
    DemoLogWriter(DemoSql &sql, QString logsDir)
        : m_sql(sql)
        , m_logsDir(std::move(logsDir))
    {
    }
    void write();

    /// The files written, as workspace log sources (paths relative to the directory above logs/).
    static QList<LogSource> sources();

private:
    void copyTo(const QString &relativePath, const QString &query, bool gzip);

    DemoSql &m_sql;
    QString m_logsDir;
};

} // namespace salvage
