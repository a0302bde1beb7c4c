#include "diff/diffrow.h"

namespace salvage {

QString DiffRow::statusName(Status status)
{
    switch (status) {
    case Status::OnlyInBackup:
        return QStringLiteral("only_in_backup");
    case Status::OnlyInLive:
        return QStringLiteral("only_in_live");
    case Status::Changed:
        break;
    }
    return QStringLiteral("changed");
}

} // namespace salvage
