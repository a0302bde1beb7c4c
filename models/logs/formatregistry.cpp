#include "formatregistry.h"

#include "core/error.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

static void initFormatResources()
{
    // The formats live in salvage_resources, a static library: make sure its registration runs.
    Q_INIT_RESOURCE(salvage_formats);
}

namespace salvage {

FormatRegistry FormatRegistry::standard()
{
    initFormatResources();
    FormatRegistry registry;
    registry.loadDirectory(u":/formats"_s);
    if (registry.m_formats.isEmpty())
        registry.m_errors.append(u"The built-in log formats are missing from this build."_s);
    registry.loadDirectory(userDirectory());
    return registry;
}

QString FormatRegistry::userDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + u"/salvage/formats"_s;
}

void FormatRegistry::loadDirectory(const QString &directory)
{
    const QDir dir(directory);
    for (const QString &name : dir.entryList({ u"*.json"_s }, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        try {
            if (!file.open(QIODevice::ReadOnly))
                throw Error(u"Cannot read the log format file %1: %2."_s.arg(file.fileName(), file.errorString()));
            loadJson(file.readAll(), file.fileName());
        } catch (const Error &e) {
            m_errors.append(e.message());
        }
    }
}

void FormatRegistry::loadJson(const QByteArray &json, const QString &origin)
{
    for (LogFormat &format : LogFormat::fromJson(json, origin)) {
        const int existing = indexOf(format.id);
        if (existing >= 0)
            m_formats[existing] = std::move(format);
        else
            m_formats.append(std::move(format));
    }
}

int FormatRegistry::indexOf(const QString &id) const
{
    for (int i = 0; i < m_formats.size(); ++i)
        if (m_formats.at(i).id == id)
            return i;
    for (int i = 0; i < m_formats.size(); ++i)
        if (m_formats.at(i).aliases.contains(id))
            return i;
    return -1;
}

} // namespace salvage
