#include "combinedlinematcher.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

// resources/formats/access_log.json's "combined" pattern, as its JSON string reads.
const QString combinedPattern
    = uR"re(^(?<c_ip>[^ ]+) [^ ]+ (?<cs_username>[^ ]+) \[(?<timestamp>[^\]]+)\] "(?<cs_method>[A-Z]+) (?<cs_uri_stem>[^ "?]*)(?:\?(?<cs_uri_query>[^ "]*))? (?<cs_version>[^"]*)" (?<sc_status>\d{3}) (?<sc_bytes>\d+|-)(?: "(?<cs_referer>[^"]*)" "(?<cs_user_agent>(?:[^"\\]|\\.)*)")?(?<rest>.*)$)re"_s;

enum Group { Ip = 1, Username, Timestamp, Method, Stem, Query, Version, Status, Bytes, Referer, UserAgent, Rest };

// A byte PCRE may take for a line end, depending on how it was built ('.' does not match it).
bool mayEndLine(char c)
{
    return c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// One forward scan over a line. Each step reads a part up to the byte that ends it; as no part
// can hold the byte that ends it, a shorter part would leave a byte the next step rejects, which
// is why the regex cannot match where this scan fails.
class Scan
{
public:
    Scan(QByteArrayView line, CombinedLineMatcher::Groups &groups)
        : m_p(line.data())
        , m_n(line.size())
        , m_groups(groups)
    {
    }
    bool expect(char c)
    {
        if (m_at >= m_n || m_p[m_at] != c)
            return false;
        ++m_at;
        return true;
    }
    template <typename Is> bool expectOne(Is is)
    {
        if (m_at >= m_n || !is(m_p[m_at]))
            return false;
        ++m_at;
        return true;
    }
    /// Bytes up to (not including) `stop` or the end, found with memchr; false when fewer than
    /// `minimum`.
    bool untilByte(char stop, qsizetype minimum, int group = 0)
    {
        const qsizetype start = m_at;
        const void *found = std::memchr(m_p + m_at, stop, size_t(m_n - m_at));
        m_at = found ? static_cast<const char *>(found) - m_p : m_n;
        if (group)
            set(group, start, m_at);
        return m_at - start >= minimum;
    }
    /// Bytes up to (not including) one of `stops` or the end; false when fewer than `minimum`.
    template <typename Stop> bool until(Stop stop, qsizetype minimum, int group = 0)
    {
        const qsizetype start = m_at;
        while (m_at < m_n && !stop(m_p[m_at]))
            ++m_at;
        if (group)
            set(group, start, m_at);
        return m_at - start >= minimum;
    }
    void set(int group, qsizetype start, qsizetype end)
    {
        m_groups.start[size_t(group)] = start;
        m_groups.end[size_t(group)] = end;
    }
    void unset(int group) { set(group, -1, -1); }
    qsizetype at() const { return m_at; }
    void seek(qsizetype at) { m_at = at; }
    qsizetype size() const { return m_n; }
    char byte(qsizetype at) const { return m_p[at]; }

private:
    const char *m_p;
    qsizetype m_n;
    qsizetype m_at = 0;
    CombinedLineMatcher::Groups &m_groups;
};

} // namespace

bool CombinedLineMatcher::reads(const QRegularExpression &pattern)
{
    return pattern.patternOptions() == QRegularExpression::NoPatternOption && pattern.pattern() == combinedPattern;
}

CombinedLineMatcher::Result CombinedLineMatcher::match(QByteArrayView line, Groups &groups)
{
    groups.start.fill(-1);
    groups.end.fill(-1);
    Scan s(line, groups);
    // ^(?<c_ip>[^ ]+) [^ ]+ (?<cs_username>[^ ]+) \[(?<timestamp>[^\]]+)\] "
    if (!s.untilByte(' ', 1, Ip) || !s.expect(' ') || !s.untilByte(' ', 1) || !s.expect(' ')
        || !s.untilByte(' ', 1, Username) || !s.expect(' ') || !s.expect('['))
        return Result::NoMatch;
    if (!s.untilByte(']', 1, Timestamp) || !s.expect(']') || !s.expect(' ') || !s.expect('"'))
        return Result::NoMatch;
    // (?<cs_method>[A-Z]+) (?<cs_uri_stem>[^ "?]*)(?:\?(?<cs_uri_query>[^ "]*))? (?<cs_version>[^"]*)"
    if (!s.until([](char c) { return c < 'A' || c > 'Z'; }, 1, Method) || !s.expect(' '))
        return Result::NoMatch;
    s.until([](char c) { return c == ' ' || c == '"' || c == '?'; }, 0, Stem);
    // With a query that is not followed by a space, leaving the query out leaves the '?' before
    // the space: no match either way.
    if (s.expect('?'))
        s.until([](char c) { return c == ' ' || c == '"'; }, 0, Query);
    if (!s.expect(' ') || !s.untilByte('"', 0, Version) || !s.expect('"') || !s.expect(' '))
        return Result::NoMatch;
    // (?<sc_status>\d{3}) (?<sc_bytes>\d+|-)
    const qsizetype status = s.at();
    if (!s.expectOne(isDigit) || !s.expectOne(isDigit) || !s.expectOne(isDigit))
        return Result::NoMatch;
    s.set(Status, status, s.at());
    if (!s.expect(' '))
        return Result::NoMatch;
    const qsizetype bytes = s.at();
    if (!s.expect('-') && !s.until([](char c) { return !isDigit(c); }, 1))
        return Result::NoMatch;
    s.set(Bytes, bytes, s.at());
    // (?: "(?<cs_referer>[^"]*)" "(?<cs_user_agent>(?:[^"\\]|\\.)*)")? — the rest (.*$) matches
    // whatever follows, so the group is kept whenever it matches.
    const qsizetype afterBytes = s.at();
    bool quoted = s.expect(' ') && s.expect('"') && s.untilByte('"', 0, Referer) && s.expect('"') && s.expect(' ')
        && s.expect('"');
    if (quoted) {
        const qsizetype agent = s.at();
        qsizetype at = agent;
        // Most agents hold no backslash: then the closing quote is the first one.
        const char *from = line.data() + agent;
        const auto *quote = static_cast<const char *>(std::memchr(from, '"', size_t(s.size() - agent)));
        if (quote && !std::memchr(from, '\\', size_t(quote - from)))
            at = quote - line.data();
        while (at < s.size() && s.byte(at) != '"') {
            if (s.byte(at) == '\\') {
                if (at + 1 < s.size() && mayEndLine(s.byte(at + 1)))
                    return Result::Unsure;
                if (at + 1 == s.size())
                    break;
                ++at;
            }
            ++at;
        }
        s.seek(at);
        s.set(UserAgent, agent, at);
        quoted = s.expect('"');
    }
    if (!quoted) {
        s.unset(Referer);
        s.unset(UserAgent);
        s.seek(afterBytes);
    }
    // (?<rest>.*)$
    for (qsizetype at = s.at(); at < s.size(); ++at)
        if (mayEndLine(s.byte(at)))
            return Result::Unsure;
    s.set(Rest, s.at(), s.size());
    return Result::Match;
}

} // namespace salvage
