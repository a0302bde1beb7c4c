#pragma once

#include <QString>

namespace salvage {

/// The name of a data directory's bootstrap superuser (the role with oid 10), read from pg_authid's
/// heap file. A recovery paused at its target is read-only: Salvage cannot add a role of its own and
/// logs in (trust, private socket) as this one. Throws salvage::Error when the file is not readable
/// as expected.
QString bootstrapSuperuser(const QString &dataDir);

} // namespace salvage
