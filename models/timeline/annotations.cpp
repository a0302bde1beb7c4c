#include "annotations.h"

#include "workspace/workspace.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace salvage {

Annotations::Annotations(QObject *parent)
    : QObject(parent)
{
}

void Annotations::store(const QString &eventKey, const Mark &mark)
{
    if (mark.isEmpty())
        m_marks.remove(eventKey);
    else
        m_marks.insert(eventKey, mark);
    Q_EMIT markChanged(eventKey);
}

void Annotations::setStarred(const QString &eventKey, bool starred)
{
    Mark m = mark(eventKey);
    m.starred = starred;
    store(eventKey, m);
}

void Annotations::setTags(const QString &eventKey, const QStringList &tags)
{
    Mark m = mark(eventKey);
    m.tags = tags;
    m.tags.removeAll(QString());
    store(eventKey, m);
}

void Annotations::setComment(const QString &eventKey, const QString &comment)
{
    Mark m = mark(eventKey);
    m.comment = comment;
    store(eventKey, m);
}

QStringList Annotations::starred() const
{
    QStringList keys;
    for (auto it = m_marks.begin(); it != m_marks.end(); ++it)
        if (it->starred)
            keys.append(it.key());
    keys.sort();
    return keys;
}

QStringList Annotations::marked() const
{
    QStringList keys = m_marks.keys(); // empty marks are never stored
    keys.sort();
    return keys;
}

QString Annotations::addManual(qint64 instantMs, const QString &text, const QStringList &tags)
{
    ManualEvent event;
    event.id = u"manual-%1"_s.arg(m_nextId++);
    event.instantMs = instantMs;
    event.text = text;
    event.tags = tags;
    const auto at = std::upper_bound(
        m_manual.begin(), m_manual.end(), instantMs, [](qint64 ms, const ManualEvent &e) { return ms < e.instantMs; });
    m_manual.insert(at, event);
    Q_EMIT manualEventsChanged();
    return event.id;
}

void Annotations::removeManual(const QString &id)
{
    m_manual.removeIf([&id](const ManualEvent &e) { return e.id == id; });
    Q_EMIT manualEventsChanged();
}

void Annotations::sortManual()
{
    std::stable_sort(m_manual.begin(), m_manual.end(),
        [](const ManualEvent &a, const ManualEvent &b) { return a.instantMs < b.instantMs; });
}

void Annotations::replaceDerived(QStringView idPrefix, const QList<ManualEvent> &events)
{
    m_manual.removeIf([idPrefix](const ManualEvent &e) { return e.id.startsWith(idPrefix); });
    m_manual.append(events);
    sortManual();
    Q_EMIT manualEventsChanged();
}

QJsonObject Annotations::toJson() const
{
    QJsonArray marks;
    QStringList keys = m_marks.keys();
    keys.sort();
    for (const QString &key : keys) {
        const Mark &m = m_marks[key];
        QJsonObject o { { u"event"_s, key }, { u"starred"_s, m.starred } };
        if (!m.tags.isEmpty())
            o.insert(u"tags"_s, QJsonArray::fromStringList(m.tags));
        if (!m.comment.isEmpty())
            o.insert(u"comment"_s, m.comment);
        marks.append(o);
    }
    QJsonArray manual;
    for (const ManualEvent &e : m_manual)
        manual.append(QJsonObject { { u"id"_s, e.id }, { u"instant_ms"_s, e.instantMs }, { u"text"_s, e.text },
            { u"tags"_s, QJsonArray::fromStringList(e.tags) }, { u"starred"_s, e.starred } });
    return { { u"marks"_s, marks }, { u"manual"_s, manual } };
}

void Annotations::loadJson(const QJsonObject &object)
{
    m_marks.clear();
    m_manual.clear();
    for (const QJsonValue &v : object.value("marks"_L1).toArray()) {
        const QJsonObject o = v.toObject();
        Mark m;
        m.starred = o.value("starred"_L1).toBool();
        for (const QJsonValue &tag : o.value("tags"_L1).toArray())
            m.tags.append(tag.toString());
        m.comment = o.value("comment"_L1).toString();
        if (!m.isEmpty())
            m_marks.insert(o.value("event"_L1).toString(), m);
    }
    for (const QJsonValue &v : object.value("manual"_L1).toArray()) {
        const QJsonObject o = v.toObject();
        ManualEvent e;
        e.id = o.value("id"_L1).toString();
        e.instantMs = qint64(o.value("instant_ms"_L1).toDouble());
        e.text = o.value("text"_L1).toString();
        for (const QJsonValue &tag : o.value("tags"_L1).toArray())
            e.tags.append(tag.toString());
        e.starred = o.value("starred"_L1).toBool(true);
        m_manual.append(e);
        m_nextId = std::max(m_nextId, e.id.section(u'-', -1).toInt() + 1);
    }
    sortManual();
    Q_EMIT manualEventsChanged();
}

void Annotations::saveTo(Workspace &workspace) const
{
    workspace.setSection(QString::fromLatin1(sectionName), toJson());
}

void Annotations::loadFrom(const Workspace &workspace)
{
    loadJson(workspace.section(QString::fromLatin1(sectionName)));
}

} // namespace salvage
