#include "pitrtarget.h"

#include "core/error.h"

#include <QRegularExpression>

namespace salvage {

PitrTarget PitrTarget::time(const QString &text)
{
    QString iso = text.trimmed();
    iso.replace(
        QRegularExpression(QStringLiteral("\\s+UTC$"), QRegularExpression::CaseInsensitiveOption), QStringLiteral("Z"));
    iso.replace(QRegularExpression(QStringLiteral("^(\\d{4}-\\d{2}-\\d{2})[ T]")), QStringLiteral("\\1T"));
    // PostgreSQL prints "+02" for whole-hour offsets; ISO 8601 as Qt reads it wants "+02:00".
    iso.replace(QRegularExpression(QStringLiteral("([+-]\\d{2})$")), QStringLiteral("\\1:00"));
    const QDateTime instant = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!instant.isValid())
        throw Error(
            QStringLiteral("\"%1\" is not a time: give it as 2026-12-03 05:00:00+02 (date, time and zone).").arg(text));
    if (instant.timeSpec() == Qt::LocalTime)
        throw Error(QStringLiteral("The target time \"%1\" has no zone: add one (+02, Z or UTC), so it names one "
                                   "instant on every machine.")
                        .arg(text));
    PitrTarget target;
    target.kind = Kind::Time;
    target.instant = instant.toUTC();
    target.value = target.instant.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) + QStringLiteral("+00");
    return target;
}

PitrTarget PitrTarget::xid(const QString &text)
{
    static const QRegularExpression digits(QStringLiteral("^\\d{1,20}$"));
    if (!digits.match(text.trimmed()).hasMatch())
        throw Error(QStringLiteral("\"%1\" is not a transaction id (a whole number).").arg(text));
    return { Kind::Xid, text.trimmed(), {} };
}

PitrTarget PitrTarget::lsn(const QString &text)
{
    static const QRegularExpression position(QStringLiteral("^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$"));
    if (!position.match(text.trimmed()).hasMatch())
        throw Error(QStringLiteral("\"%1\" is not a WAL position (like 0/3000060).").arg(text));
    return { Kind::Lsn, text.trimmed().toUpper(), {} };
}

PitrTarget PitrTarget::name(const QString &text)
{
    static const QRegularExpression control(QStringLiteral("[\\x00-\\x1f\\x7f]"));
    if (text.isEmpty() || text.size() > 63 || text.contains(control))
        throw Error(QStringLiteral("A restore point name has 1 to 63 printable characters."));
    return { Kind::Name, text, {} };
}

QString PitrTarget::settingName() const
{
    switch (kind) {
    case Kind::Time:
        return QStringLiteral("recovery_target_time");
    case Kind::Xid:
        return QStringLiteral("recovery_target_xid");
    case Kind::Lsn:
        return QStringLiteral("recovery_target_lsn");
    case Kind::Name:
        return QStringLiteral("recovery_target_name");
    }
    return {};
}

QString PitrTarget::describe() const
{
    switch (kind) {
    case Kind::Time:
        return instant.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) + QStringLiteral(" UTC");
    case Kind::Xid:
        return QStringLiteral("transaction %1").arg(value);
    case Kind::Lsn:
        return QStringLiteral("WAL position %1").arg(value);
    case Kind::Name:
        return QStringLiteral("restore point \"%1\"").arg(value);
    }
    return value;
}

} // namespace salvage
