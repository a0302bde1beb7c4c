#include "correlationindex.h"

#include "core/error.h"
#include "logkeyextractor.h"
#include "tabletag.h"

#include <QSet>

#include <algorithm>
#include <limits>
#include <numeric>
#include <tuple>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

/// Between a table tag and a value in a qualified token (qualified(), and add()'s bytes of it).
constexpr char16_t kTagSeparator = 0x1f;

/// `out` = qualified(tag, value) in UTF-8, without a QString: tags are nearly always ASCII.
void setQualifiedUtf8(QByteArray &out, const QString &tag, QByteArrayView valueUtf8)
{
    out.truncate(0);
    for (const QChar c : tag) {
        if (c.unicode() >= 0x80) {
            out = tag.toUtf8();
            break;
        }
        out.append(char(c.unicode()));
    }
    out.append(char(kTagSeparator));
    out.append(valueUtf8);
}

/// Postings finish() lays out between two releaseFreedPages() (3 MB of blocks).
constexpr size_t releaseEvery = size_t(1) << 19;

/// Gives the pages of freed heap memory back to the system. glibc keeps what is freed in its
/// arenas, resident; finish() frees the postings block by block as their refs are written, and
/// without this both would stay in memory at once.
void releaseFreedPages()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

} // namespace

quint32 CorrelationIndex::kindBit(const QString &kind)
{
    qsizetype at = m_kindNames.indexOf(kind);
    if (at < 0) {
        if (m_kindNames.size() >= 32)
            return 0;
        m_kindNames.append(kind);
        at = m_kindNames.size() - 1;
    }
    return 1u << at;
}

void CorrelationIndex::addToken(QByteArrayView utf8, const QString &kind, EventRef ref)
{
    const quint32 token = m_tokens.intern(utf8);
    if (token >= m_kinds.size())
        m_kinds.resize(token + 1, 0);
    addKinds(token, kindBit(kind));
    if (m_blocks.empty() || m_blocks.back().source != ref.source || ref.entry < m_blocks.back().firstEntry
        || ref.entry - m_blocks.back().firstEntry > std::numeric_limits<quint16>::max())
        m_blocks.push_back({ ref.source, ref.entry, {}, {} });
    PostingBlock &block = m_blocks.back();
    block.tokens.push_back(token);
    block.entries.push_back(quint16(ref.entry - block.firstEntry));
}

void CorrelationIndex::addKinds(quint32 token, quint32 bits)
{
    const quint32 was = kindBitsOf(token);
    if ((was & bits) == bits)
        return;
    const quint32 now = was | bits;
    quint8 &set = m_kinds[token];
    if (set != manyKindSets) {
        const auto known = std::find(m_kindSets.begin(), m_kindSets.end(), now);
        if (known != m_kindSets.end()) {
            set = quint8(known - m_kindSets.begin());
            return;
        }
        if (m_kindSets.size() < manyKindSets) {
            m_kindSets.push_back(now);
            set = quint8(m_kindSets.size() - 1);
            return;
        }
        set = manyKindSets;
    }
    m_otherKinds.insert(token, now);
}

void CorrelationIndex::add(EventRef ref, const EventKeys &event)
{
    for (const EventKeys::Key &key : event.keys) {
        addToken(key.value, key.kind, ref);
        // The same value once more under its table tag, or as a row id of no known table (in a
        // buffer kept from key to key).
        const bool tagged = !key.table.isEmpty();
        if (tagged || LogKeyExtractor::isRowRole(key.kind)) {
            setQualifiedUtf8(m_qualified, key.table, key.value);
            addToken(m_qualified, key.kind, ref);
            if (tagged)
                m_tags.insert(key.table);
        }
        // An actor's key id (".../users/alice#main-key") also names the actor itself.
        const qsizetype hash = key.value.indexOf('#');
        if (hash > 0 && key.value.startsWith("http"))
            addToken(QByteArrayView(key.value).first(hash), key.kind, ref);
    }
    if (!event.method.isEmpty() && !event.path.isEmpty() && !event.status.isEmpty())
        m_requests.push_back({ ref, event.instantMs, qHashMulti(0, event.method, event.path, event.status) });
}

void CorrelationIndex::merge(CorrelationIndex &&other, double share)
{
    if (m_tokens.size() == 0 && share > 0) {
        // Every chunk brings mostly new values (addresses): the whole is about the first one over
        // its share, with a quarter to spare. Capped: a guess from a small chunk may be far off.
        const double scale = 1.25 / std::min(1.0, share);
        constexpr double maxBytes = 512.0 * 1024 * 1024;
        const double bytes = std::min(maxBytes, double(other.m_tokens.byteCount()) * scale);
        const double count = std::min(maxBytes / 8, double(other.m_tokens.size()) * scale);
        m_tokens.reserveValues(quint32(count), qsizetype(bytes));
        m_kinds.reserve(size_t(count));
    }
    // The other index's kind bits in this one's numbering, looked up once rather than per token.
    std::vector<quint32> bits;
    for (const QString &kind : std::as_const(other.m_kindNames))
        bits.push_back(kindBit(kind));
    const auto translated = [&](quint32 theirs) {
        quint32 mine = 0;
        for (size_t bit = 0; bit < bits.size(); ++bit)
            if (theirs & (1u << bit))
                mine |= bits[bit];
        return mine;
    };
    std::vector<quint32> sets; // the other index's kind sets, translated
    for (const quint32 set : other.m_kindSets)
        sets.push_back(translated(set));
    std::vector<quint32> tokens(other.m_tokens.size());
    for (quint32 t = 0; t < other.m_tokens.size(); ++t) {
        tokens[t] = m_tokens.intern(other.m_tokens.bytes(t));
        if (tokens[t] >= m_kinds.size())
            m_kinds.resize(tokens[t] + 1, 0);
        const quint8 set = other.m_kinds[t];
        addKinds(tokens[t], set == manyKindSets ? translated(other.m_otherKinds.value(t)) : sets[set]);
    }
    for (PostingBlock &block : other.m_blocks) {
        for (quint32 &token : block.tokens)
            token = tokens[token];
        block.tokens.shrink_to_fit();
        block.entries.shrink_to_fit();
        m_blocks.push_back(std::move(block));
    }
    m_requests.insert(m_requests.end(), other.m_requests.begin(), other.m_requests.end());
    m_tags.unite(other.m_tags);
    other = CorrelationIndex();
}

void CorrelationIndex::finish(qint64 windowMs)
{
    // Counting sort of the postings by token, each block let go once placed; each token's refs
    // sorted, duplicates dropped. What the chunks freed goes back first: the layout's columns
    // come on top of what is resident now.
    releaseFreedPages();
    const quint32 tokens = m_tokens.size();
    std::vector<quint32> starts(size_t(tokens) + 1, 0);
    for (const PostingBlock &block : m_blocks)
        for (const quint32 token : block.tokens)
            ++starts[token + 1];
    for (quint32 t = 0; t < tokens; ++t)
        starts[t + 1] += starts[t];
    // A ref is kept as its position among all sources' entries, source after source: 4 bytes.
    std::vector<qint64> ends; // per source: last entry seen + 1
    for (const PostingBlock &block : m_blocks) {
        if (ends.size() <= block.source)
            ends.resize(block.source + 1, 0);
        if (!block.entries.empty())
            ends[block.source] = std::max<qint64>(ends[block.source],
                qint64(block.firstEntry) + *std::max_element(block.entries.begin(), block.entries.end()) + 1);
    }
    m_sourceStarts.assign(1, 0);
    for (const qint64 end : ends) {
        const qint64 next = qint64(m_sourceStarts.back()) + end;
        if (next > std::numeric_limits<quint32>::max())
            throw Error(u"More than 4 billion log events to correlate."_s);
        m_sourceStarts.push_back(quint32(next));
    }
    // The refs' pages become memory as they are written, while the blocks' pages go back.
    decltype(m_refs) refs(starts[tokens]);
    size_t freed = 0; // postings freed since the last release
    for (PostingBlock &block : m_blocks) {
        const quint32 base = m_sourceStarts[block.source] + block.firstEntry;
        for (size_t i = 0; i < block.tokens.size(); ++i)
            refs[starts[block.tokens[i]]++] = base + block.entries[i];
        freed += block.tokens.size();
        std::vector<quint32>().swap(block.tokens);
        std::vector<quint16>().swap(block.entries);
        if (freed >= releaseEvery) {
            releaseFreedPages();
            freed = 0;
        }
    }
    std::vector<PostingBlock>().swap(m_blocks);
    // Each start has moved on to the next token's: shift them back.
    for (quint32 t = tokens; t > 0; --t)
        starts[t] = starts[t - 1];
    starts[0] = 0;
    quint32 out = 0;
    for (quint32 t = 0; t < tokens; ++t) {
        const auto first = refs.begin() + starts[t], last = refs.begin() + starts[t + 1];
        if (!std::is_sorted(first, last))
            std::sort(first, last);
        starts[t] = out;
        out = quint32(std::unique_copy(first, last, refs.begin() + out) - refs.begin());
    }
    starts[tokens] = out;
    refs.resize(out);
    refs.shrink_to_fit();
    m_refs = std::move(refs);
    m_starts = std::move(starts);

    m_inferred.clear();
    // Ties broken by the event, not left in the order the chunks were merged (whichever thread
    // finished first): the links, and the exports that list them, are the same on every run.
    std::sort(m_requests.begin(), m_requests.end(),
        [](const Request &a, const Request &b) { return std::tie(a.instantMs, a.ref) < std::tie(b.instantMs, b.ref); });
    for (size_t i = 0; i < m_requests.size(); ++i) {
        const Request &a = m_requests[i];
        for (size_t j = i + 1; j < m_requests.size() && m_requests[j].instantMs - a.instantMs <= windowMs; ++j) {
            const Request &b = m_requests[j];
            if (b.ref.source != a.ref.source && b.shape == a.shape) {
                m_inferred.insert(a.ref, b.ref);
                m_inferred.insert(b.ref, a.ref);
            }
        }
    }
    std::vector<Request>().swap(m_requests); // only needed to find the links
    releaseFreedPages();
}

std::vector<EventRef> CorrelationIndex::exact(const QString &value) const
{
    const qint64 token = m_tokens.find(value);
    if (token < 0 || size_t(token) + 1 >= m_starts.size())
        return {};
    std::vector<EventRef> refs;
    refs.reserve(m_starts[size_t(token) + 1] - m_starts[size_t(token)]);
    quint32 source = 0; // positions ascend: the source only moves on
    for (quint32 i = m_starts[size_t(token)]; i < m_starts[size_t(token) + 1]; ++i) {
        while (m_refs[i] >= m_sourceStarts[source + 1])
            ++source;
        refs.push_back({ source, m_refs[i] - m_sourceStarts[source] });
    }
    return refs;
}

QString CorrelationIndex::qualified(const QString &tag, const QString &value)
{
    return tag + QChar(kTagSeparator) + value;
}

std::vector<EventRef> CorrelationIndex::exactIn(
    const QString &table, const QString &value, const QSet<QString> &tables) const
{
    std::vector<EventRef> refs;
    const auto take = [&](const QString &token) {
        const std::vector<EventRef> found = exact(token);
        refs.insert(refs.end(), found.begin(), found.end());
    };
    for (const QString &tag : m_tags)
        if (TableTag::names(tag, table, tables))
            take(qualified(tag, value));
    take(qualified({}, value));
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
    return refs;
}

QList<CorrelationLink> CorrelationIndex::related(const QString &value) const
{
    return linked(exact(value), u"key %1"_s.arg(value));
}

QList<CorrelationLink> CorrelationIndex::relatedIn(
    const QString &table, const QString &value, const QSet<QString> &tables) const
{
    return linked(exactIn(table, value, tables), u"key %1 of %2"_s.arg(value, table));
}

QList<CorrelationLink> CorrelationIndex::linked(const std::vector<EventRef> &refs, const QString &reason) const
{
    QList<CorrelationLink> links;
    QSet<EventRef> seen;
    for (const EventRef &ref : refs) {
        seen.insert(ref);
        links.append({ ref, ref, true, reason });
    }
    for (const EventRef &ref : refs) {
        for (const EventRef &other : m_inferred.values(ref)) {
            if (seen.contains(other))
                continue;
            seen.insert(other);
            links.append({ ref, other, false, inferredReason() });
        }
    }
    return links;
}

QStringList CorrelationIndex::kindsOf(const QString &value) const
{
    QStringList kinds;
    const qint64 token = m_tokens.find(value);
    const quint32 bits = token < 0 ? 0 : kindBitsOf(quint32(token));
    for (int bit = 0; bit < m_kindNames.size(); ++bit)
        if (bits & (1u << bit))
            kinds.append(m_kindNames.at(bit));
    kinds.sort();
    return kinds;
}

QString CorrelationIndex::inferredReason()
{
    return u"same method, path and status in another source within %1 s"_s.arg(double(inferenceWindowMs) / 1000.0);
}

qint64 CorrelationIndex::memoryBytes() const
{
    return m_tokens.memoryBytes()
        + qint64(m_kinds.capacity() + m_kindSets.capacity() * 4 + m_starts.capacity() * 4 + m_refs.capacity() * 4
            + m_sourceStarts.capacity() * 4 + m_requests.capacity() * sizeof(Request))
        + (m_inferred.size() + m_otherKinds.size()) * 48
        + std::accumulate(m_blocks.begin(), m_blocks.end(), qint64(0), [](qint64 sum, const PostingBlock &block) {
              return sum + qint64(block.tokens.capacity() * 4 + block.entries.capacity() * 2);
          });
}

} // namespace salvage
