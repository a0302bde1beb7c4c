#pragma once

#include <QString>

namespace salvage {

/// `text` with every password a conninfo or URI in it can carry replaced by "***": key/value
/// `password=…` and `sslpassword=…` (quoted or not, even unterminated), the `user:secret@` of a
/// postgres:// or postgresql:// URI, and `?password=` / `&password=` in a URI's query. Applied
/// wherever a message, log line or exception text may quote a connection string.
QString redactSecrets(const QString &text);

} // namespace salvage
