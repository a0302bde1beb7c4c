#pragma once

#include "formatregistry.h"

namespace salvage {

class LogFile;

/// Decides a file's format from its first lines: an envelope first (docker, journald, syslog),
/// then the format of the payload it carries; otherwise the format most lines match.
class FormatDetector
{
public:
    struct Result
    {
        int format = -1; ///< index in the registry; -1: nothing matched
        int payload = -1; ///< for an envelope, the payload's format, or -1 (plain text payload)
        int matched = 0; ///< sampled lines the chosen format matched
        int sampled = 0;
    };

    explicit FormatDetector(const FormatRegistry &registry);

    Result detect(const LogFile &file) const;
    /// Detection over lines already in memory (first lines of a file, or payloads).
    Result detectLines(const QStringList &lines) const;
    /// The payload format among non-envelope formats, or -1.
    int detectPayload(const QStringList &payloads) const;

private:
    /// `payloads`: the lines are payloads of an envelope, so payload-only formats may match too.
    int best(const QStringList &lines, bool envelopes, int *matched, bool payloads = false) const;
    const FormatRegistry &m_registry;
};

} // namespace salvage
