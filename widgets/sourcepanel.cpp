#include "sourcepanel.h"

#include "db/schematreemodel.h"
#include "statecolours.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace salvage {

SourcePanel::SourcePanel(Connection *connection, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_model(new SchemaTreeModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    const Side side = connection->side();
    setObjectName(sideName(side).toLower() + QStringLiteral("Panel"));

    m_title = new QLabel(sideName(side), this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    // LIVE is the database that can be harmed: it gets the warm colour in every palette.
    showAccent();
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("state"));
    m_details = new QLabel(this);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Tool buttons: as wide as their text, so that the dock can be narrow on a 1280-pixel screen.
    m_connect = new QToolButton(this);
    m_connect->setText(tr("Connect…"));
    m_disconnect = new QToolButton(this);
    m_disconnect->setText(tr("Disconnect"));
    m_reload = new QToolButton(this);
    m_reload->setText(tr("Reload"));
    m_reload->setToolTip(tr("Read the schema again"));

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter tables and columns"));
    m_filter->setClearButtonEnabled(true);

    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(0);
    m_tree = new QTreeView(this);
    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);

    auto *header = new QHBoxLayout;
    header->addWidget(m_title);
    header->addWidget(m_state, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_connect);
    buttons->addWidget(m_disconnect);
    buttons->addWidget(m_reload);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(header);
    layout->addLayout(buttons);
    layout->addWidget(m_details);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree, 1);

    connect(m_connect, &QToolButton::clicked, this, [this]() { Q_EMIT connectRequested(m_connection->side()); });
    connect(m_disconnect, &QToolButton::clicked, m_connection, &Connection::close);
    connect(m_reload, &QToolButton::clicked, m_connection, &Connection::refreshSchema);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty())
            m_tree->expandToDepth(0);
    });
    // A click in this side's tree makes it the side the window works on (the SQL console follows).
    connect(m_tree, &QTreeView::pressed, this, [this]() { Q_EMIT sideSelected(m_connection->side()); });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        const QString table = index.data(SchemaTreeModel::QualifiedTableRole).toString();
        if (!table.isEmpty())
            Q_EMIT tableActivated(table);
    });
    connect(m_connection, &Connection::stateChanged, this, &SourcePanel::updateState);
    connect(m_connection, &Connection::schemaChanged, this, [this](const Schema &schema) {
        m_model->setSchema(schema);
        m_tree->expandToDepth(0);
        if (m_connection->state() == Connection::State::Open)
            m_details->setText(
                tr("%1 — PostgreSQL %2 — %3 tables, %4 foreign keys")
                    .arg(m_connection->profile().displayName(), schema.serverVersion,
                        QString::number(schema.tables.size()), QString::number(schema.foreignKeyCount())));
    });
    connect(m_connection, &Connection::schemaFailed, m_details, &QLabel::setText);
    updateState();
}

void SourcePanel::showAccent()
{
    m_title->setStyleSheet(
        QStringLiteral("color: %1;").arg(StateColours::side(m_connection->side(), palette()).name()));
}

void SourcePanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        showAccent();
}

const Schema &SourcePanel::schema() const
{
    return m_connection->schema();
}

QString SourcePanel::stateText() const
{
    return m_state->text();
}

void SourcePanel::updateState()
{
    const Connection::State state = m_connection->state();
    switch (state) {
    case Connection::State::Closed:
        m_state->setText(tr("not connected"));
        m_details->setText(tr("Connect a database to start."));
        break;
    case Connection::State::Opening:
        m_state->setText(tr("connecting…"));
        m_details->setText(m_connection->where());
        break;
    case Connection::State::Open:
        m_state->setText(tr("● connected, read-only"));
        m_details->setText(
            tr("%1 — PostgreSQL %2").arg(m_connection->profile().displayName(), m_connection->serverVersion()));
        break;
    case Connection::State::Failed:
        m_state->setText(tr("✕ failed"));
        m_details->setText(m_connection->lastError());
        break;
    }
    m_disconnect->setEnabled(state == Connection::State::Open || state == Connection::State::Opening);
    m_reload->setEnabled(state == Connection::State::Open);
}

} // namespace salvage
