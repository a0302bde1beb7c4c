#include "correlationindex.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace salvage {

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

void CorrelationIndex::addToken(const QString &value, const QString &kind, EventRef ref)
{
    Token &token = m_tokens[value];
    if (token.refs.empty() || token.refs.back() != ref)
        token.refs.push_back(ref);
    token.kinds |= kindBit(kind);
}

void CorrelationIndex::add(EventRef ref, qint64 instantMs, const LogEvent &event, const QString &methodField,
                           const QString &pathField, const QString &statusField)
{
    for (const LogKey &key : event.keys) {
        addToken(key.value, key.kind, ref);
        // An actor's key id (".../users/alice#main-key") also names the actor itself.
        const qsizetype hash = key.value.indexOf(u'#');
        if (hash > 0 && key.value.startsWith("http"_L1))
            addToken(key.value.left(hash), key.kind, ref);
    }
    if (methodField.isEmpty())
        return;
    const QString method = event.fields.value(methodField);
    const QString path = event.fields.value(pathField);
    const QString status = event.fields.value(statusField);
    if (!method.isEmpty() && !path.isEmpty() && !status.isEmpty())
        m_requests.push_back({ref, instantMs, qHashMulti(0, method, path, status)});
}

void CorrelationIndex::merge(CorrelationIndex &&other)
{
    for (auto it = other.m_tokens.begin(); it != other.m_tokens.end(); ++it) {
        Token &token = m_tokens[it.key()];
        token.refs.insert(token.refs.end(), it->refs.begin(), it->refs.end());
        for (int bit = 0; bit < other.m_kindNames.size(); ++bit)
            if (it->kinds & (1u << bit))
                token.kinds |= kindBit(other.m_kindNames.at(bit));
    }
    m_requests.insert(m_requests.end(), other.m_requests.begin(), other.m_requests.end());
    other = CorrelationIndex();
}

void CorrelationIndex::finish(qint64 windowMs)
{
    m_inferred.clear();
    std::sort(m_requests.begin(), m_requests.end(), [](const Request &a, const Request &b) { return a.instantMs < b.instantMs; });
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
}

const std::vector<EventRef> &CorrelationIndex::exact(const QString &value) const
{
    static const std::vector<EventRef> none;
    const auto it = m_tokens.constFind(value);
    return it == m_tokens.constEnd() ? none : it->refs;
}

QList<CorrelationLink> CorrelationIndex::related(const QString &value) const
{
    QList<CorrelationLink> links;
    QSet<EventRef> seen;
    const std::vector<EventRef> &refs = exact(value);
    for (const EventRef &ref : refs) {
        seen.insert(ref);
        links.append({ref, ref, true, u"key %1"_s.arg(value)});
    }
    for (const EventRef &ref : refs) {
        for (const EventRef &other : m_inferred.values(ref)) {
            if (seen.contains(other))
                continue;
            seen.insert(other);
            links.append({ref, other, false, u"same method, path and status within the time window"_s});
        }
    }
    return links;
}

QStringList CorrelationIndex::kindsOf(const QString &value) const
{
    QStringList kinds;
    const quint32 bits = m_tokens.value(value).kinds;
    for (int bit = 0; bit < m_kindNames.size(); ++bit)
        if (bits & (1u << bit))
            kinds.append(m_kindNames.at(bit));
    kinds.sort();
    return kinds;
}

} // namespace salvage
