#pragma once

#include <QByteArrayView>
#include <QRegularExpression>

#include <array>

namespace salvage {

/// The "combined" pattern of the built-in access log format (nginx and Apache's default) matched
/// by hand over a line's bytes: the parse pass reads every line of an access log with it, where
/// the regex and its match object cost more than the rest of the line's reading. Every part of
/// the pattern is delimited by a byte its neighbour cannot hold, so the regex never backtracks
/// into an earlier part and one forward scan decides the same as the regex.
/// tst_correlation::combinedMatcherEqualsRegex and fuzz_logparsers check that it does.
class CombinedLineMatcher
{
public:
    /// Capture groups, numbered as the regex numbers them (1 = c_ip … 12 = rest).
    static constexpr int groupCount = 12;
    /// Each group's [start, end) in the line's bytes; start -1 when the group took no part.
    struct Groups
    {
        std::array<qsizetype, groupCount + 1> start {};
        std::array<qsizetype, groupCount + 1> end {};
    };
    /// Unsure: a byte the regex may read as a line end (VT, FF, CR, LF) where the pattern has a
    /// '.'; the caller asks the regex then.
    enum class Result { Match, NoMatch, Unsure };

    /// True when `pattern` is the one this matcher reads (a user's own format with another
    /// pattern or options keeps its regex).
    static bool reads(const QRegularExpression &pattern);
    static Result match(QByteArrayView line, Groups &groups);
};

} // namespace salvage
