#include "logsourcesdialog.h"

#include "logs/formatregistry.h"

#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

QStringList zoneIds()
{
    static const QStringList ids = [] {
        QStringList all;
        for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
            all << QString::fromUtf8(id);
        return all;
    }();
    return ids;
}

} // namespace

LogSourcesDialog::LogSourcesDialog(const QList<LogSource> &sources, QWidget *parent)
    : QDialog(parent)
    , m_registry(FormatRegistry::standard())
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Log sources"));
    m_table->setObjectName(u"logSources"_s);
    m_table->setHorizontalHeaderLabels(
        { tr("File"), tr("Lane"), tr("Format"), tr("Zone of naive times"), tr("Clock offset (ms)") });
    m_table->horizontalHeader()->setSectionResizeMode(File, QHeaderView::Stretch);
    m_table->setColumnWidth(Label, 130);
    m_table->setColumnWidth(Format, 200);
    m_table->setColumnWidth(Zone, 170);
    m_table->setColumnWidth(ClockOffset, 130);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto *explanation
        = new QLabel(tr("Times written without an offset (Rails, some PostgreSQL prefixes) are read in the zone "
                        "given here, UTC when empty. A clock offset is added to every time of the file, to correct "
                        "a server whose clock was wrong."),
            this);
    explanation->setWordWrap(true);
    auto *add = new QPushButton(tr("Add files…"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(u"removeSource"_s);
    m_problem->setStyleSheet(u"color: #c0392b"_s);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    resize(1100, 380);

    for (const LogFormat &known : m_registry.formats())
        m_formats.append({ known.title, known.id });
    for (const LogSource &source : sources)
        addRow(source);
    connect(add, &QPushButton::clicked, this, [this] {
        addFiles(QFileDialog::getOpenFileNames(
            this, tr("Add log files"), {}, tr("Logs (*.log *.gz *.json *.csv *.txt);;All files (*)")));
    });
    connect(remove, &QPushButton::clicked, this, &LogSourcesDialog::removeSelected);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &LogSourcesDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &LogSourcesDialog::reject);
    validate();
}

void LogSourcesDialog::addRow(const LogSource &source)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto *file = new QTableWidgetItem(source.path);
    file->setFlags(file->flags() & ~Qt::ItemIsEditable);
    file->setToolTip(source.path);
    m_table->setItem(row, File, file);
    m_table->setItem(row, Label, new QTableWidgetItem(source.label));

    auto *format = new QComboBox(m_table);
    format->addItem(tr("detect"), QString());
    for (const auto &[title, id] : std::as_const(m_formats))
        format->addItem(title, id);
    // A workspace may name a format by an alias ("nginx-combined"): shown as the format it is.
    const int known = source.format.isEmpty() ? -1 : m_registry.indexOf(source.format);
    format->setCurrentIndex(known < 0 ? 0 : std::max(0, format->findData(m_registry.formats().at(known).id)));
    m_table->setCellWidget(row, Format, format);

    auto *zone = new QLineEdit(source.timeZone, m_table);
    zone->setPlaceholderText(u"UTC"_s);
    auto *completer = new QCompleter(zoneIds(), zone);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    zone->setCompleter(completer);
    connect(zone, &QLineEdit::textChanged, this, &LogSourcesDialog::validate);
    m_table->setCellWidget(row, Zone, zone);

    auto *offset = new QSpinBox(m_table);
    offset->setRange(-86'400'000, 86'400'000);
    offset->setSingleStep(1000);
    offset->setValue(int(source.clockOffsetMs));
    m_table->setCellWidget(row, ClockOffset, offset);
}

void LogSourcesDialog::addFiles(const QStringList &paths)
{
    const QList<LogSource> listed = sources();
    for (const QString &path : paths) {
        const QString absolute = QFileInfo(path).absoluteFilePath();
        if (std::none_of(listed.begin(), listed.end(), [&](const LogSource &s) { return s.path == absolute; }))
            addRow(LogSource { absolute, {}, {}, {}, 0 });
    }
    validate();
}

void LogSourcesDialog::removeSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    QList<int> numbers;
    for (const QModelIndex &index : rows)
        numbers << index.row();
    std::sort(numbers.begin(), numbers.end(), std::greater<>());
    for (int row : numbers)
        m_table->removeRow(row);
    validate();
}

QList<LogSource> LogSourcesDialog::sources() const
{
    QList<LogSource> out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        LogSource source;
        source.path = m_table->item(row, File)->text();
        source.label = m_table->item(row, Label) ? m_table->item(row, Label)->text().trimmed() : QString();
        source.format = qobject_cast<QComboBox *>(m_table->cellWidget(row, Format))->currentData().toString();
        source.timeZone = qobject_cast<QLineEdit *>(m_table->cellWidget(row, Zone))->text().trimmed();
        source.clockOffsetMs = qobject_cast<QSpinBox *>(m_table->cellWidget(row, ClockOffset))->value();
        out << source;
    }
    return out;
}

QString LogSourcesDialog::problem() const
{
    for (const LogSource &source : sources())
        if (!source.timeZone.isEmpty() && !QTimeZone(source.timeZone.toUtf8()).isValid())
            return tr("“%1” (for %2) is not a time zone: use an IANA name such as Europe/Berlin.")
                .arg(source.timeZone, QFileInfo(source.path).fileName());
    return {};
}

void LogSourcesDialog::validate()
{
    const QString why = problem();
    m_problem->setText(why);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

void LogSourcesDialog::accept()
{
    if (problem().isEmpty())
        QDialog::accept();
}

} // namespace salvage
