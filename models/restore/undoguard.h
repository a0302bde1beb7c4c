#pragma once

#include "db/schema.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace salvage {

/// The part of an undo script that refuses to undo over what changed after the run. The script
/// carries, per table the run changed, the rows it touched as the run left them
/// ("_salvage_undo_a<oid>"), and derives their keys ("_salvage_undo_k<oid>") from its logs.
/// Before any undo statement, the rendered SQL lists every conflict: a touched row changed or
/// deleted since, a key the run emptied that is taken again, a row of any table that references a
/// row the undo deletes or re-keys and that the run did not write (added or re-pointed since, so
/// it would cascade or block). With any conflict the script stops, naming them, and changes
/// nothing — unless the session says `salvage.force_undo = on` (salvage-cli restore run --force-undo).
class UndoGuard
{
public:
    /// A table the run changed: its inserts are in "_salvage_undo_i<oid>", its updates in the log.
    struct Changed
    {
        const Table *table = nullptr;
        bool inserted = false;
        bool updated = false;
    };

    UndoGuard(const Schema &schema, QList<Changed> changed)
        : m_schema(schema)
        , m_changed(std::move(changed))
    {
    }

    static QString touchedKeys(const Table &table);
    static QString afterImage(const Table &table);

    /// The conflict table, one check per changed table and per foreign key into it, and the gate.
    QString render() const;

    /// What a rendered gate refused: how many rows changed since the run, and those it names
    /// (the first 100), each as "public.statuses (id)=(10) changed since the run: body".
    struct Refusal
    {
        qint64 count = 0;
        QStringList rows;
    };
    /// The refusal an undo run's error reports, or nothing for any other error.
    static std::optional<Refusal> refusalIn(const QString &error);

private:
    QString changedRows(const Table &table) const;
    QString takenKeys(const Table &table) const;
    QString referencingRows(const Changed &parent, const Table &child, const ForeignKey &key) const;
    bool isChanged(const Table &table) const;

    const Schema &m_schema;
    QList<Changed> m_changed;
};

} // namespace salvage
