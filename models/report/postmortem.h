#pragma once

#include "diff/backupgain.h"
#include "diff/diffresult.h"
#include "logs/eventref.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace salvage {

class Annotations;
class Timeline;

/// What a postmortem is made of besides the events: the databases' comparison (when both sides
/// were connected, or given to the CLI) and the directory that may hold the undo scripts of the
/// restores done.
struct PostmortemInputs
{
    std::shared_ptr<const DiffResult> diff; ///< null: not compared (shared: the GUI hands it to a job)
    /// What a second BACKUP recovers beside the compared one (e.g. nightly vs PITR); null: none known.
    std::shared_ptr<const BackupGain> gain;
    QString workspaceDirectory; ///< searched for undo*.sql; empty: none
};

/// One table's share of the incident, from the diff.
struct TableLoss
{
    QString table;
    qint64 lost = 0; ///< rows only in backup
    qint64 added = 0; ///< rows only in live
    qint64 changed = 0;
    qint64 moved = 0; ///< rows whose foreign key was re-pointed
};

/// A picture of the postmortem, written next to the report file.
struct PostmortemFigure
{
    QString name; ///< "events", "moves", "losses": the file is <report>-<name>.svg
    QString caption;
    QByteArray svg;
    QString fileName; ///< where the exporter wrote it, relative to the report; empty: not written
};

/// The one-page summary that opens a postmortem: what happened, when, how far it reached and
/// what was restored, each a few sentences; the loss per table; the figures.
struct PostmortemSummary
{
    QStringList what;
    QStringList when;
    QStringList reach;
    QStringList restored;
    QList<TableLoss> losses;
    std::shared_ptr<const BackupGain> gain; ///< "recoverable from each BACKUP", when a second one was compared
    QList<PostmortemFigure> figures;
    /// First and last event touching a lost row, when the diff and the logs share keys.
    std::optional<std::pair<qint64, qint64>> incidentWindow;
};

/// Works the summary out of a timeline, the operator's marks and the inputs: reads only.
class PostmortemSummarizer
{
public:
    PostmortemSummarizer(const Timeline &timeline, const Annotations &annotations, const PostmortemInputs &inputs);

    /// Everything but the figures (PostmortemFigures draws them from the result).
    PostmortemSummary summarize(const std::vector<EventRef> &selection) const;

    /// Per table with a difference, largest loss first.
    static QList<TableLoss> lossesOf(const DiffResult &diff);
    /// The values that name lost rows: keys of rows only in backup, and the backup side of moves.
    static QStringList lostValues(const DiffResult &diff);

private:
    void describeDiff(PostmortemSummary &summary) const;
    void describeReach(PostmortemSummary &summary, const std::vector<EventRef> &selection) const;
    void describeRestores(PostmortemSummary &summary) const;

    const Timeline &m_timeline;
    const Annotations &m_annotations;
    const PostmortemInputs &m_inputs;
};

} // namespace salvage
