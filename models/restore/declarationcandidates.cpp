#include "restore/declarationcandidates.h"

#include "db/pgraw.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "db/sqlident.h"
#include "jobs/jobcontrol.h"
#include "restore/declarations.h"

#include <QJsonObject>
#include <QRegularExpression>

namespace salvage {

namespace {

/// An identifier as an operator would type it: bare when PostgreSQL keeps it as is.
QString typed(const QString &identifier)
{
    static const QRegularExpression bare(QStringLiteral("^[a-z_][a-z0-9_]*$"));
    return bare.match(identifier).hasMatch() ? identifier : sql::quoteIdent(identifier);
}

QString typedTable(const Table &table)
{
    return typed(table.schema) + QLatin1Char('.') + typed(table.name);
}

bool isInteger(const Column &column)
{
    return column.typeName == QLatin1String("int2") || column.typeName == QLatin1String("int4")
        || column.typeName == QLatin1String("int8");
}

bool isText(const Column &column)
{
    return column.typeCategory == QLatin1Char('S') || column.typeName == QLatin1String("uuid");
}

/// Values of the two columns can be compared with = and mean the same kind of key.
bool compatible(const Column &child, const Column &parent)
{
    if (isInteger(child) || isInteger(parent))
        return isInteger(child) && isInteger(parent);
    if (child.typeCategory == QLatin1Char('S'))
        return parent.typeCategory == QLatin1Char('S');
    return child.typeName == parent.typeName;
}

/// An existing key (primary or unique) whose columns all lie in `columns` already makes them unique.
bool covered(const Table &table, const QStringList &columns)
{
    const auto within = [&columns](const QStringList &key) {
        if (key.isEmpty())
            return false;
        for (const QString &column : key)
            if (!columns.contains(column))
                return false;
        return true;
    };
    if (within(table.primaryKey))
        return true;
    for (const UniqueKey &key : table.uniqueKeys)
        if (key.valid && !key.partial && !key.hasExpressions && within(key.columns))
            return true;
    return false;
}

struct KeyColumn
{
    const Table *table;
    const Column *column;

    bool operator==(const KeyColumn &other) const = default;
};

/// Single-column primary and unique keys: what a relation can point at.
QList<KeyColumn> keyColumns(const Schema &schema)
{
    QList<KeyColumn> keys;
    for (const Table &table : schema.tables) {
        QStringList seen;
        if (table.primaryKey.size() == 1)
            seen << table.primaryKey.first();
        for (const UniqueKey &key : table.uniqueKeys)
            if (key.valid && !key.partial && !key.hasExpressions && key.columns.size() == 1
                && !seen.contains(key.columns.first()))
                seen << key.columns.first();
        for (const QString &name : seen)
            keys.append({ &table, table.column(name) });
    }
    return keys;
}

/// The parent names a column like "target_user_id" suggests: user, users, target_user, …
bool nameSuggests(const Column &child, const KeyColumn &key)
{
    if (key.column->name.compare(child.name, Qt::CaseInsensitive) == 0)
        return true; // events.room_id → rooms.room_id
    const QString stem = child.name.toLower().chopped(3);
    QStringList words { stem, stem.section(QLatin1Char('_'), -1) };
    const QString table = key.table->name.toLower();
    for (const QString &word : words) {
        if (word.isEmpty())
            continue;
        for (const QString &form : QStringList { word, word + QLatin1Char('s'), word + QStringLiteral("es") })
            if (table == form || table.endsWith(QLatin1Char('_') + form))
                return true;
    }
    return false;
}

/// All non-null values of `child.column` (in its first kSampleRows rows) exist in the key column.
bool contained(const PgRaw &session, const Table &child, const Column &column, const KeyColumn &key, qint64 *values)
{
    const QString name = sql::quoteIdent(column.name);
    const auto result = session.exec(
        QStringLiteral("SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM %1 p WHERE p.%2 = v.c)) "
                       "FROM (SELECT DISTINCT x.%3 FROM (SELECT %3 FROM %4 WHERE %3 IS NOT NULL LIMIT %5) x) v(c)")
            .arg(key.table->sqlName(), sql::quoteIdent(key.column->name), name, child.sqlName(),
                QString::number(DeclarationCandidates::kSampleRows)));
    *values = PgRaw::value(result, 0, 0).toLongLong();
    return *values > 0 && PgRaw::value(result, 0, 1).toLongLong() == 0;
}

QList<DeclarationCandidate> relationCandidates(const PgRaw &session, const Table &table, const QList<KeyColumn> &keys)
{
    static const QRegularExpression idName(QStringLiteral("_id$"), QRegularExpression::CaseInsensitiveOption);
    QList<DeclarationCandidate> found;
    for (const Column &column : table.columns) {
        if (!idName.match(column.name).hasMatch() || table.inForeignKey(column.name))
            continue;
        QList<KeyColumn> named;
        QList<KeyColumn> others;
        for (const KeyColumn &key : keys) {
            if ((key.table == &table && key.column->name == column.name) || !compatible(column, *key.column))
                continue;
            (nameSuggests(column, key) ? named : others).append(key);
        }
        // Small integers are in almost every id column: only a name makes them evidence. Text keys
        // ("!room:server") are evidence by themselves, when few enough to try.
        QList<KeyColumn> tried = named;
        if (!isInteger(column) && others.size() <= 20)
            tried << others;
        int accepted = 0;
        for (const KeyColumn &key : tried) {
            qint64 values = 0;
            if (!contained(session, table, column, key, &values))
                continue;
            const QString parent = typedTable(*key.table)
                + (key.table->primaryKey == QStringList { key.column->name } ? QString()
                                                                             : QLatin1Char(':') + key.column->name);
            found.append({ DeclarationCandidate::Kind::Relation,
                QStringLiteral("%1.%2=%3").arg(typedTable(table), column.name, parent),
                QStringLiteral("all %1 distinct values of %2.%3 are in %4.%5; no foreign key says so")
                    .arg(QString::number(values), table.qualifiedName(), column.name, key.table->qualifiedName(),
                        key.column->name) });
            // A named parent that holds every value is the answer; without a name, a few are offered.
            if (named.contains(key) || ++accepted == 3)
                break;
        }
    }
    return found;
}

QList<DeclarationCandidate> uniqueCandidates(const PgRaw &session, const Table &table)
{
    QList<QStringList> sets;
    QStringList foreignKeyColumns;
    for (const ForeignKey &key : table.foreignKeys)
        if (key.columns.size() == 1 && !foreignKeyColumns.contains(key.columns.first()))
            foreignKeyColumns << key.columns.first();
    QStringList texts;
    for (const Column &column : table.columns)
        if (isText(column) && column.generated.isNull())
            texts << column.name;
    for (const QString &text : texts)
        if (!covered(table, { text }))
            sets.append({ text });
    for (const QString &key : foreignKeyColumns)
        for (const QString &text : texts)
            if (key != text && !covered(table, { key, text }) && !covered(table, { key }) && !covered(table, { text }))
                sets.append({ key, text });
    if (sets.isEmpty())
        return {};
    QStringList measures { QStringLiteral("count(*)") };
    for (const QStringList &set : sets) {
        QStringList notNull;
        QStringList quoted;
        for (const QString &column : set) {
            notNull << QStringLiteral("%1 IS NOT NULL").arg(sql::quoteIdent(column));
            quoted << sql::quoteIdent(column);
        }
        measures << QStringLiteral("count(*) FILTER (WHERE %1), count(DISTINCT (%2))")
                        .arg(notNull.join(QStringLiteral(" AND ")),
                            set.size() == 1 ? quoted.first()
                                            : QStringLiteral("ROW(%1)").arg(quoted.join(QStringLiteral(", "))));
    }
    const auto result = session.exec(QStringLiteral("SELECT %1 FROM (SELECT * FROM %2 LIMIT %3) x")
                                         .arg(measures.join(QStringLiteral(", ")), table.sqlName(),
                                             QString::number(DeclarationCandidates::kSampleRows)));
    const qint64 rows = PgRaw::value(result, 0, 0).toLongLong();
    if (rows < DeclarationCandidates::kMinimumRows)
        return {};
    QList<DeclarationCandidate> found;
    QStringList uniqueAlone;
    for (qsizetype i = 0; i < sets.size(); ++i) {
        const QStringList &set = sets.at(i);
        const qint64 complete = PgRaw::value(result, 0, int(1 + 2 * i)).toLongLong();
        const qint64 distinct = PgRaw::value(result, 0, int(2 + 2 * i)).toLongLong();
        if (complete != rows || distinct != rows)
            continue;
        // A pair is no news when one of its columns is unique alone.
        if (set.size() > 1 && (uniqueAlone.contains(set.first()) || uniqueAlone.contains(set.last())))
            continue;
        if (set.size() == 1)
            uniqueAlone << set.first();
        QStringList typedColumns;
        for (const QString &column : set)
            typedColumns << typed(column);
        found.append({ DeclarationCandidate::Kind::Unique,
            QStringLiteral("%1 (%2)").arg(typedTable(table), typedColumns.join(QStringLiteral(", "))),
            QStringLiteral("%1 rows, no NULL, no duplicate; no unique index covers it").arg(rows) });
    }
    return found;
}

} // namespace

QList<DeclarationCandidate> DeclarationCandidates::find(PgSession &backup, JobControl *control)
{
    const Schema schema = SchemaReader::read(backup, control);
    const PgRaw session(backup.handle(), backup.where());
    const QList<KeyColumn> keys = keyColumns(schema);
    QList<DeclarationCandidate> relations;
    QList<DeclarationCandidate> uniques;
    qint64 done = 0;
    for (const Table &table : schema.tables) {
        if (control) {
            control->throwIfCancelled();
            control->setProgress(
                done++, schema.tables.size(), QStringLiteral("candidates in %1").arg(table.qualifiedName()));
        }
        if (table.partitioned)
            continue; // its partitions hold the rows and are read as tables of their own
        relations << relationCandidates(session, table, keys);
        uniques << uniqueCandidates(session, table);
    }
    return relations + uniques;
}

QJsonArray DeclarationCandidates::toJson(const QList<DeclarationCandidate> &candidates)
{
    QJsonArray array;
    for (const DeclarationCandidate &candidate : candidates)
        array.append(QJsonObject { { QStringLiteral("kind"), kindName(candidate.kind) },
            { QStringLiteral("declaration"), candidate.declaration },
            { QStringLiteral("evidence"), candidate.evidence } });
    return array;
}

QString DeclarationCandidates::kindName(DeclarationCandidate::Kind kind)
{
    return kind == DeclarationCandidate::Kind::Relation ? QStringLiteral("relation") : QStringLiteral("unique");
}

} // namespace salvage
