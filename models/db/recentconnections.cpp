#include "recentconnections.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>

namespace salvage {

RecentConnections::RecentConnections(QSettings &settings, int limit)
    : m_settings(settings)
    , m_limit(limit)
{
}

QString RecentConnections::key(Side side) const
{
    return side == Side::Live ? QStringLiteral("recent/live") : QStringLiteral("recent/backup");
}

QList<ConnectionProfile> RecentConnections::list(Side side) const
{
    QList<ConnectionProfile> profiles;
    const QJsonArray array = QJsonDocument::fromJson(m_settings.value(key(side)).toByteArray()).array();
    for (const QJsonValue &value : array)
        profiles.append(ConnectionProfile::fromJson(value.toObject()));
    return profiles;
}

void RecentConnections::remember(Side side, const ConnectionProfile &profile)
{
    ConnectionProfile clean { profile.name, profile.conninfoWithoutPassword() };
    QList<ConnectionProfile> profiles = list(side);
    profiles.removeAll(clean);
    profiles.prepend(clean);
    store(side, profiles.mid(0, m_limit));
}

void RecentConnections::forget(Side side, const ConnectionProfile &profile)
{
    QList<ConnectionProfile> profiles = list(side);
    profiles.removeAll(ConnectionProfile { profile.name, profile.conninfoWithoutPassword() });
    store(side, profiles);
}

void RecentConnections::store(Side side, const QList<ConnectionProfile> &profiles)
{
    QJsonArray array;
    for (const ConnectionProfile &profile : profiles)
        array.append(profile.toJson());
    m_settings.setValue(key(side), QJsonDocument(array).toJson(QJsonDocument::Compact));
}

} // namespace salvage
