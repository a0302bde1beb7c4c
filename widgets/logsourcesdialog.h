#pragma once

#include "logs/formatregistry.h"
#include "workspace/workspace.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QTableWidget;

namespace salvage {

/// The timeline's log files and how to read each: a lane label, a format (or detection), the zone
/// its naive timestamps are in and a clock offset that corrects a skewed server. Add files, remove
/// them, edit in place; OK only when every zone is a real IANA zone.
class LogSourcesDialog : public QDialog
{
    Q_OBJECT
public:
    enum Column { File, Label, Format, Zone, ClockOffset, ColumnCount };

    explicit LogSourcesDialog(const QList<LogSource> &sources, QWidget *parent = nullptr);

    QList<LogSource> sources() const;
    /// Appends files (absolute paths); ones already listed are skipped.
    void addFiles(const QStringList &paths);
    /// Empty when every row is valid, else what to fix (a zone that is no IANA zone).
    QString problem() const;

    void accept() override;

private:
    void addRow(const LogSource &source);
    void removeSelected();
    void validate();

    FormatRegistry m_registry;
    QList<QPair<QString, QString>> m_formats; ///< title, id of every known format
    QTableWidget *m_table;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace salvage
