#pragma once

#include "logformat.h"

#include <QStringList>

namespace salvage {

/// The known log formats: the built-in ones from the resource system (:/formats) and the user's
/// own from `<config dir>/salvage/formats/*.json`, which replace built-ins of the same id.
class FormatRegistry
{
public:
    /// Built-ins plus the user's config dir; a broken user file is skipped and listed in errors().
    static FormatRegistry standard();
    /// Loads every *.json in `directory`; broken files go to errors().
    void loadDirectory(const QString &directory);
    /// Adds or replaces the formats of one JSON document; throws salvage::Error when invalid.
    void loadJson(const QByteArray &json, const QString &origin);

    const QList<LogFormat> &formats() const { return m_formats; }
    /// Index into formats() of `id` (or an alias), or -1.
    int indexOf(const QString &id) const;
    const QStringList &errors() const { return m_errors; }
    /// The directory user formats are read from.
    static QString userDirectory();

private:
    QList<LogFormat> m_formats;
    QStringList m_errors;
};

} // namespace salvage
