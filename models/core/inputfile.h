#pragma once

#include <QString>

namespace salvage {

/// The check every input file (log, dump, script, workspace) passes before it is opened: it must
/// exist and, after symlinks are resolved, be a regular file — reading a FIFO blocks, /dev/zero
/// never ends, a directory is no file. Directory-format dumps ask for AllowDirectory.
namespace InputFile {

enum class Kind { RegularFile, RegularFileOrDirectory };

/// Why `path` cannot be read as input, or an empty string when it can ("does not exist",
/// "is a FIFO, not a regular file", …).
QString problem(const QString &path, Kind kind = Kind::RegularFile);
/// Throws salvage::Error "cannot read WHAT PATH: PROBLEM" when problem() is not empty.
void require(const QString &path, const QString &what, Kind kind = Kind::RegularFile);

} // namespace InputFile

} // namespace salvage
