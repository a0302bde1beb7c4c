#include "declarationspanel.h"

#include "core/error.h"
#include "db/pgsession.h"
#include "jobs/jobcontrol.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace salvage {

namespace {

const QString kRelation = QStringLiteral("relation");
const QString kUnique = QStringLiteral("unique");
const QString kRule = QStringLiteral("rule");

QString placeholder(const QString &kind)
{
    if (kind == kRelation)
        return QObject::tr("CHILD.COLUMN=PARENT[:COLUMN]   e.g. events.room_id=rooms:room_id");
    if (kind == kUnique)
        return QObject::tr("TABLE (expression, …)   e.g. app.tags (document_id, lower(name))");
    return QObject::tr("TABLE: CONDITION   e.g. app.stars: user_id <> target_user_id");
}

} // namespace

DeclarationsPanel::DeclarationsPanel(Connection *backup, QWidget *parent)
    : QWidget(parent)
    , m_backup(backup)
{
    m_declared = new QTreeWidget(this);
    m_declared->setObjectName(QStringLiteral("declared"));
    m_declared->setHeaderLabels({ tr("Kind"), tr("Declaration") });
    m_declared->setRootIsDecorated(false);
    m_declared->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_kind = new QComboBox(this);
    m_kind->addItems({ kUnique, kRule, kRelation });
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("declarationText"));
    m_text->setPlaceholderText(placeholder(kUnique));
    auto *add = new QPushButton(tr("&Add"), this);
    auto *remove = new QPushButton(tr("Re&move"), this);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_recompute = new QCheckBox(tr("Recompute counter caches of the parents the plan touches"), this);
    m_recompute->setToolTip(tr("Counter caches: columns equal to a count of referencing rows"));
    m_recompute->setObjectName(QStringLiteral("recomputeCounters"));
    m_recompute->setChecked(true);

    m_find = new QPushButton(tr("&Find candidates in BACKUP"), this);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_progress = new QProgressBar(this);
    m_progress->setTextVisible(true);
    m_candidates = new QTreeWidget(this);
    m_candidates->setObjectName(QStringLiteral("candidates"));
    m_candidates->setHeaderLabels({ tr("Kind"), tr("Candidate"), QString(), tr("Evidence") });
    m_candidates->setRootIsDecorated(false);

    auto *entry = new QHBoxLayout;
    entry->addWidget(m_kind);
    entry->addWidget(m_text, 1);
    entry->addWidget(add);
    entry->addWidget(remove);
    auto *search = new QHBoxLayout;
    search->addWidget(m_find);
    search->addWidget(m_cancel);
    search->addWidget(m_progress, 1);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("What the database does not declare: uniqueness and rules the application enforces "
                                "in code, relations without a foreign key. Saved in the workspace."),
        this);
    intro->setWordWrap(true); // never wider than the view
    layout->addWidget(intro);
    layout->addWidget(m_declared, 1);
    layout->addLayout(entry);
    layout->addWidget(m_message);
    layout->addWidget(m_recompute);
    layout->addLayout(search);
    layout->addWidget(m_candidates, 1);

    connect(m_kind, &QComboBox::currentTextChanged, this,
        [this](const QString &kind) { m_text->setPlaceholderText(placeholder(kind)); });
    connect(add, &QPushButton::clicked, this, &DeclarationsPanel::addTyped);
    connect(m_text, &QLineEdit::returnPressed, this, &DeclarationsPanel::addTyped);
    connect(remove, &QPushButton::clicked, this, &DeclarationsPanel::removeSelected);
    connect(m_find, &QPushButton::clicked, this, &DeclarationsPanel::findCandidates);
    connect(m_cancel, &QPushButton::clicked, this, &DeclarationsPanel::cancelCandidates);
    connect(m_backup, &Connection::jobProgress, this,
        [this](quint64 job, qint64 done, qint64 total, const QString &status) {
            if (job != m_job)
                return;
            m_progress->setRange(0, total > 0 ? int(total) : 0);
            m_progress->setValue(int(done));
            m_progress->setFormat(status);
        });
    setSearching(false);
}

void DeclarationsPanel::setDeclarations(const Declarations &declarations)
{
    m_declarations = declarations;
    showDeclarations();
}

bool DeclarationsPanel::recomputeCounters() const
{
    return m_recompute->isChecked();
}

bool DeclarationsPanel::addDeclaration(const QString &kind, const QString &text)
{
    try {
        if (kind == kRelation)
            m_declarations.relations << Declarations::parseRelation(text);
        else if (kind == kUnique)
            m_declarations.uniques << Declarations::parseUnique(text);
        else
            m_declarations.rules << Declarations::parseRule(text);
    } catch (const Error &error) {
        m_message->setText(error.message());
        return false;
    }
    m_message->clear();
    showDeclarations();
    Q_EMIT changed();
    return true;
}

void DeclarationsPanel::addTyped()
{
    if (!m_text->text().trimmed().isEmpty() && addDeclaration(m_kind->currentText(), m_text->text()))
        m_text->clear();
}

void DeclarationsPanel::removeSelected()
{
    // Rows carry (kind, index); remove from the back so the indexes stay right.
    QList<QPair<QString, int>> chosen;
    for (const QTreeWidgetItem *item : m_declared->selectedItems())
        chosen.append({ item->text(0), item->data(0, Qt::UserRole).toInt() });
    if (chosen.isEmpty())
        return;
    std::sort(chosen.begin(), chosen.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    for (const auto &[kind, index] : chosen) {
        if (kind == kRelation)
            m_declarations.relations.removeAt(index);
        else if (kind == kUnique)
            m_declarations.uniques.removeAt(index);
        else
            m_declarations.rules.removeAt(index);
    }
    showDeclarations();
    Q_EMIT changed();
}

void DeclarationsPanel::showDeclarations()
{
    m_declared->clear();
    const auto add = [this](const QString &kind, int index, const QString &text) {
        auto *item = new QTreeWidgetItem(m_declared, { kind, text });
        item->setData(0, Qt::UserRole, index);
    };
    for (qsizetype i = 0; i < m_declarations.uniques.size(); ++i)
        add(kUnique, int(i), Declarations::text(m_declarations.uniques.at(i)));
    for (qsizetype i = 0; i < m_declarations.rules.size(); ++i)
        add(kRule, int(i), Declarations::text(m_declarations.rules.at(i)));
    for (qsizetype i = 0; i < m_declarations.relations.size(); ++i)
        add(kRelation, int(i), Declarations::text(m_declarations.relations.at(i)));
    m_declared->resizeColumnToContents(0);
}

void DeclarationsPanel::setSearching(bool searching)
{
    m_find->setEnabled(!searching);
    m_cancel->setEnabled(searching);
    m_progress->setVisible(searching);
}

void DeclarationsPanel::findCandidates()
{
    setSearching(true);
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("reading BACKUP's schema"));
    m_message->setText(tr("Looking for candidates in BACKUP…"));
    m_job = m_backup->submit<QList<DeclarationCandidate>>(
        tr("Declaration candidates"),
        [](PgSession &session, JobControl &control) { return DeclarationCandidates::find(session, &control); }, this,
        [this](QList<DeclarationCandidate> found) {
            setSearching(false);
            showCandidates(found);
        },
        [this](const QString &message, bool cancelled) {
            setSearching(false);
            m_message->setText(cancelled ? tr("Candidate search cancelled.") : message);
        });
}

void DeclarationsPanel::cancelCandidates()
{
    m_backup->cancel(m_job);
}

void DeclarationsPanel::showCandidates(const QList<DeclarationCandidate> &candidates)
{
    m_candidates->clear();
    for (const DeclarationCandidate &candidate : candidates) {
        const QString kind = DeclarationCandidates::kindName(candidate.kind);
        auto *item = new QTreeWidgetItem(m_candidates, { kind, candidate.declaration, QString(), candidate.evidence });
        auto *accept = new QPushButton(tr("Accept"), m_candidates);
        connect(accept, &QPushButton::clicked, this, [this, accept, kind, text = candidate.declaration] {
            if (addDeclaration(kind, text)) {
                accept->setEnabled(false);
                accept->setText(tr("Accepted"));
            }
        });
        m_candidates->setItemWidget(item, 2, accept);
    }
    for (int column : { 0, 1, 2 })
        m_candidates->resizeColumnToContents(column);
    m_message->setText(candidates.isEmpty()
            ? tr("BACKUP suggests no declaration.")
            : tr("%n candidate(s) found in BACKUP: accept those that hold.", nullptr, int(candidates.size())));
    Q_EMIT candidatesFound(int(candidates.size()));
}

} // namespace salvage
