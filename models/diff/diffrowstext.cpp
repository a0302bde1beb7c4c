#include "diff/diffrowstext.h"

#include "core/error.h"
#include "db/sqlident.h"
#include "diff/logcategory.h"
#include "logs/logkeycandidates.h"

using namespace Qt::StringLiterals;

namespace salvage::DiffRowsText {

namespace {
QString csvField(const QString &text)
{
    QString quoted = text;
    quoted.replace(u'"', u"\"\""_s);
    return u'"' + quoted + u'"';
}

QString csvValue(const QList<DiffValue> &values, int column)
{
    if (values.isEmpty())
        return {}; // the row is not on this side
    const DiffValue value = column < values.size() ? values.at(column) : DiffValue();
    return value ? csvField(*value) : u"NULL"_s;
}
} // namespace

QString csv(const TableDiff &table, const QList<int> &rows)
{
    QStringList header { csvField(u"status"_s) };
    for (const QString &column : table.columns)
        header << csvField(column + u" (backup)"_s) << csvField(column + u" (live)"_s);
    QString text = header.join(u',') + u"\r\n"_s;
    for (int index : rows) {
        const DiffRow &row = table.rows.at(index);
        const DiffRowValues values = table.values(row);
        QStringList fields { csvField(DiffRow::statusName(row.status)) };
        for (int column = 0; column < table.columns.size(); ++column)
            fields << csvValue(values.backup, column) << csvValue(values.live, column);
        text += fields.join(u',') + u"\r\n"_s;
    }
    return text;
}

QString insertStatements(const TableDiff &table, const QList<int> &rows)
{
    QList<int> inserted; // positions in table.columns
    for (int column = 0; column < table.columns.size(); ++column) {
        if (!table.generatedColumns.contains(table.columns.at(column)))
            inserted << column;
    }
    QStringList names;
    for (int column : inserted)
        names << sql::quoteIdent(table.columns.at(column));
    const QString head = u"INSERT INTO %1 (%2)%3 VALUES ("_s.arg(
        table.sqlName, names.join(u", "_s), table.identityAlways ? u" OVERRIDING SYSTEM VALUE"_s : QString());
    QString text;
    int liveOnly = 0;
    for (int index : rows) {
        const DiffRow &row = table.rows.at(index);
        if (row.status == DiffRow::Status::OnlyInLive) {
            ++liveOnly;
            continue;
        }
        const QList<DiffValue> backup = table.values(row).backup;
        QStringList values;
        for (int column : inserted) {
            const DiffValue value = column < backup.size() ? backup.at(column) : DiffValue();
            values << (value ? sql::quoteLiteral(*value) : u"NULL"_s);
        }
        text += head + values.join(u", "_s) + u");\n"_s;
    }
    if (liveOnly > 0)
        text += u"-- %1 selected row(s) exist only in live and have no backup version.\n"_s.arg(liveOnly);
    return text;
}

} // namespace salvage::DiffRowsText

namespace salvage {

DiffRowSelection DiffRowSelection::of(const TableDiff &table, const QList<int> &rows)
{
    DiffRowSelection selection;
    selection.table = table.table;
    selection.sqlName = table.sqlName;
    selection.keyColumns = table.keyColumns;
    LogKeyCandidates candidates;
    for (int index : rows) {
        const DiffRow &row = table.rows.at(index);
        // Its ids first, with the tables they name: the key, then what it references.
        if (table.keyColumns.size() == 1)
            candidates.addRowId(table.table, table.key(index).value(0));
        DiffRowValues values;
        try {
            values = table.values(row);
        } catch (const Error &e) {
            // Only the values followed into the logs are missing: the keys, which the actions
            // need, are in memory.
            qCWarning(lcDiff) << "selection without the row's values:" << e.message();
        }
        for (const DiffReference &reference : table.references) {
            const qsizetype column = table.columns.indexOf(reference.columns.value(0));
            if (reference.columns.size() != 1 || column < 0)
                continue;
            for (const QList<DiffValue> *side : { &values.backup, &values.live })
                if (column < side->size() && side->at(column))
                    candidates.addRowId(reference.refTable, *side->at(column));
        }
        for (const DiffValue &value : values.backup + values.live)
            if (value)
                candidates.add(*value);
    }
    selection.logValues = candidates.values();
    if (table.keyColumns.isEmpty())
        return selection;
    for (int index : rows) {
        const QStringList key = table.key(index);
        if (!selection.keys.contains(key))
            selection.keys << key;
    }
    return selection;
}

QString DiffRowSelection::restoreRoot() const
{
    if (isEmpty())
        return {};
    // Plain when it reads back as itself; SQL-quoted when a part has spaces, dots or quotes.
    const QString name = sql::splitQualifiedName(table).join(u'.') == table ? table : sqlName;
    return name + u" WHERE "_s + keyPredicate();
}

QString DiffRowSelection::keyPredicate() const
{
    if (isEmpty())
        return {};
    const bool composite = keyColumns.size() > 1;
    QStringList tuples;
    for (const QStringList &key : keys) {
        QStringList literals;
        for (const QString &value : key)
            literals << sql::quoteLiteral(value);
        tuples << (composite ? QString(u'(' + literals.join(u", "_s) + u')') : literals.first());
    }
    const QString columns = sql::quoteIdentList(keyColumns);
    return u"%1 IN (%2)"_s.arg(composite ? QString(u'(' + columns + u')') : columns, tuples.join(u", "_s));
}

QString DiffRowSelection::graphRoot() const
{
    return isEmpty() ? QString() : table + u':' + keys.first().join(u',');
}

} // namespace salvage
