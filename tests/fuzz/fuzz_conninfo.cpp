// Feeds arbitrary bytes (as UTF-8) to the code that redacts, parses and summarises connection
// strings. The first byte picks where " password=ZZsecretZZ " is spliced into the rest, so every
// run also checks that a password written in the text never survives redactSecrets(). Invariants:
// redaction is idempotent; any conninfo, valid or not, loses its password in conninfoWithoutPassword()
// (and the result is saved the same again); no crash, no UB.
#include "db/connectionprofile.h"
#include "db/secretredactor.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace salvage;

namespace {

const QByteArray kMarker("ZZsecretZZ");

[[noreturn]] void broken(const char *what, const QString &input, const QString &output)
{
    std::fprintf(
        stderr, "invariant broken: %s\n  input:  %s\n  output: %s\n", what, qPrintable(input), qPrintable(output));
    std::abort();
}

void checkRedaction(const QString &text, bool markerSpliced)
{
    const QString once = redactSecrets(text);
    const QString twice = redactSecrets(once);
    if (twice != once)
        broken("redactSecrets is not idempotent", once, twice);
    if (markerSpliced && once.contains(QLatin1String(kMarker)))
        broken("a password survived redactSecrets", text, once);
}

void checkProfile(const QString &conninfo)
{
    const ConnectionProfile profile { QString(), conninfo };
    (void)profile.summary(); // displayName() and keychainKey() only wrap it
    (void)profile.validationError();
    // Valid or not, what is saved carries no password (a malformed one is saved redacted, never as
    // one libpq accepts with "***" for a password) and is saved the same again.
    const QString stripped = profile.conninfoWithoutPassword();
    const ConnectionProfile saved { QString(), stripped };
    if (saved.embedsPassword())
        broken("conninfoWithoutPassword kept a password", conninfo, stripped);
    if (saved.conninfoWithoutPassword() != stripped)
        broken("conninfoWithoutPassword is not stable", stripped, saved.conninfoWithoutPassword());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray rest(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    checkRedaction(QString::fromUtf8(rest), false);
    checkProfile(QString::fromUtf8(rest));

    // Only when the rest cannot hold the marker itself (then it may be a host name or a comment).
    if (rest.contains(kMarker))
        return 0;
    QByteArray spliced = rest;
    spliced.insert(qsizetype(data[0]) % (rest.size() + 1), " password=" + kMarker + ' ');
    checkRedaction(QString::fromUtf8(spliced), true);
    checkProfile(QString::fromUtf8(spliced));
    return 0;
}
