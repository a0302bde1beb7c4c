#include "restore/rowaction.h"

#include "db/sqlident.h"

#include <QStringList>

namespace salvage {

QString rowActionName(RowAction action)
{
    switch (action) {
    case RowAction::Cascade:
        return QStringLiteral("cascade");
    case RowAction::DeletedSince:
        return QStringLiteral("deleted-since");
    case RowAction::DependantSkipped:
        return QStringLiteral("dependant-skipped");
    case RowAction::Follows:
        return QStringLiteral("follows");
    case RowAction::Insert:
        return QStringLiteral("insert");
    case RowAction::KeptLive:
        return QStringLiteral("kept-live");
    case RowAction::Mapped:
        return QStringLiteral("mapped");
    case RowAction::Present:
        return QStringLiteral("present");
    case RowAction::Recreate:
        return QStringLiteral("recreate");
    case RowAction::Rekey:
        return QStringLiteral("rekey");
    case RowAction::Repoint:
        return QStringLiteral("repoint");
    case RowAction::Skipped:
        return QStringLiteral("skipped");
    case RowAction::Unexplained:
        return QStringLiteral("unexplained");
    case RowAction::UnknownOwner:
        return QStringLiteral("unknown-owner");
    case RowAction::Unrestorable:
        return QStringLiteral("unrestorable");
    case RowAction::Waiting:
        return QStringLiteral("waiting");
    }
    return {};
}

bool parseRowAction(const QString &name, RowAction *action)
{
    for (int i = 0; i <= int(RowAction::Waiting); ++i) {
        if (rowActionName(RowAction(i)) == name) {
            *action = RowAction(i);
            return true;
        }
    }
    return false;
}

QString rowActionColumn()
{
    return QStringLiteral("\"_salvage_action\"");
}

QString rowActionSql(RowAction action)
{
    return sql::quoteLiteral(rowActionName(action));
}

QString rowActionsSql(const QList<RowAction> &actions)
{
    QStringList literals;
    for (RowAction action : actions)
        literals << rowActionSql(action);
    return literals.join(QStringLiteral(", "));
}

namespace {

QString column(const QString &alias)
{
    return alias.isEmpty() ? rowActionColumn() : alias + QLatin1Char('.') + rowActionColumn();
}

} // namespace

QString rowActionIs(const QString &alias, RowAction action)
{
    return column(alias) + QStringLiteral(" = ") + rowActionSql(action);
}

QString rowActionIn(const QString &alias, const QList<RowAction> &actions)
{
    return column(alias) + QStringLiteral(" IN (") + rowActionsSql(actions) + QLatin1Char(')');
}

QList<RowAction> restoredRowActions()
{
    return { RowAction::Insert, RowAction::Recreate, RowAction::Rekey, RowAction::Follows };
}

QList<RowAction> writtenRowActions()
{
    return { RowAction::Insert, RowAction::Recreate, RowAction::Repoint, RowAction::Rekey };
}

} // namespace salvage
