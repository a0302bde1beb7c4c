#pragma once

#include "db/connectionprofile.h"

#include <QList>

class QSettings;

namespace salvage {

/// The connections an operator used lately, newest first, kept in QSettings without passwords.
class RecentConnections
{
public:
    explicit RecentConnections(QSettings &settings, int limit = 10);

    QList<ConnectionProfile> list(Side side) const;
    /// Moves (or adds) `profile` to the front for `side`; a password in the conninfo is dropped.
    void remember(Side side, const ConnectionProfile &profile);
    void forget(Side side, const ConnectionProfile &profile);

private:
    QString key(Side side) const;
    void store(Side side, const QList<ConnectionProfile> &profiles);

    QSettings &m_settings;
    int m_limit;
};

} // namespace salvage
