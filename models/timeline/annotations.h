#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>

namespace salvage {

class Workspace;

/// The operator's marks on a timeline: stars, tags and comments on events (keyed by
/// Timeline::eventKey) and manual events ("17:58 deploy, full downtime"). Saved as the
/// workspace section "annotations".
class Annotations : public QObject
{
    Q_OBJECT
public:
    struct Mark
    {
        bool starred = false;
        QStringList tags;
        QString comment;
        bool isEmpty() const { return !starred && tags.isEmpty() && comment.isEmpty(); }
    };
    struct ManualEvent
    {
        QString id;
        qint64 instantMs = 0;
        QString text;
        QStringList tags;
        bool starred = true; ///< manual events are highlights unless unstarred

        /// An event derived from elsewhere (the databases, a recovery): id `idPrefix + id` (so
        /// replaceDerived finds it), one tag, not starred.
        static ManualEvent derived(
            QStringView idPrefix, const QString &id, qint64 instantMs, const QString &text, QStringView tag)
        {
            return { idPrefix.toString() + id, instantMs, text, { tag.toString() }, false };
        }
    };

    explicit Annotations(QObject *parent = nullptr);

    Mark mark(const QString &eventKey) const { return m_marks.value(eventKey); }
    void setStarred(const QString &eventKey, bool starred);
    void setTags(const QString &eventKey, const QStringList &tags);
    void setComment(const QString &eventKey, const QString &comment);
    /// Event keys with a star, sorted.
    QStringList starred() const;
    /// Event keys with any mark (a star, a tag or a comment), sorted: what a postmortem must show.
    QStringList marked() const;
    bool isEmpty() const { return m_marks.isEmpty() && m_manual.isEmpty(); }

    /// Adds a manual event and returns its id.
    QString addManual(qint64 instantMs, const QString &text, const QStringList &tags = {});
    void removeManual(const QString &id);
    /// Replaces the events whose id starts with `idPrefix` (derived from elsewhere, such as
    /// the databases) by `events`, keeping the operator's own.
    void replaceDerived(QStringView idPrefix, const QList<ManualEvent> &events);
    /// Manual events sorted by instant.
    const QList<ManualEvent> &manualEvents() const { return m_manual; }

    QJsonObject toJson() const;
    void loadJson(const QJsonObject &object);
    void saveTo(Workspace &workspace) const;
    void loadFrom(const Workspace &workspace);

    static constexpr const char *sectionName = "annotations";

Q_SIGNALS:
    void markChanged(const QString &eventKey);
    void manualEventsChanged();

private:
    void store(const QString &eventKey, const Mark &mark);
    void sortManual();

    QHash<QString, Mark> m_marks;
    QList<ManualEvent> m_manual;
    int m_nextId = 1;
};

} // namespace salvage
