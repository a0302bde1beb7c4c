#include "restore/undorecorder.h"

#include "core/blockwriter.h"
#include "core/error.h"
#include "core/safefilewriter.h"
#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/restoresql.h"
#include "restore/scriptparser.h"
#include "restore/undoguard.h"

#include <QMap>
#include <QSet>

#include <algorithm>
#include <cstring>

namespace salvage {

namespace {

const QString kLog = QStringLiteral("pg_temp.\"_salvage_undo_log\"");

QString matchKey(const QString &left, const QString &right, const QStringList &key)
{
    QStringList parts;
    for (const QString &column : key)
        parts << QStringLiteral("%1.%2 = %3.%2").arg(left, sql::quoteIdent(column), right);
    return parts.join(QStringLiteral(" AND "));
}

/// The log of keys a run inserted into `table`, in pg_temp; the undo script loads it under the same name.
QString insertedKeys(const Table &table)
{
    return QStringLiteral("\"_salvage_undo_i%1\"").arg(table.oid);
}

/// The run's own log of those keys: another name, so that an undo script run by Salvage (which
/// logs its own run) does not collide with it.
QString runInsertedKeys(const Table &table)
{
    return QStringLiteral("pg_temp.\"_salvage_run_i%1\"").arg(table.oid);
}

/// The keys of the rows the run touched in `changed`'s table (repeats possible): those it inserted
/// (in `inserted`, when it did) and those of the pre- and post-images in `log`.
QString touchedKeySelect(const UndoGuard::Changed &changed, const QString &inserted, const QString &log)
{
    const Table &table = *changed.table;
    const auto image = [&](const QString &side) {
        return QStringLiteral(
            "SELECT %1 FROM %2 u, jsonb_populate_record(NULL::%3, u.%4) r WHERE u.tbl = %5 AND u.%4 IS NOT NULL")
            .arg(RestoreSql::prefixed(QStringLiteral("r"), table.primaryKey), log, table.sqlName(), side,
                QString::number(table.oid));
    };
    QStringList parts;
    if (changed.inserted)
        parts << QStringLiteral("SELECT %1 FROM %2").arg(sql::quoteIdentList(table.primaryKey), inserted);
    parts << image(QStringLiteral("old")) << image(QStringLiteral("new"));
    return parts.join(QStringLiteral(" UNION ALL "));
}

/// "stmt integer, key columns with their types".
QString keyDefinitions(const Table &table)
{
    QStringList definitions { QStringLiteral("stmt integer") };
    for (const QString &column : table.primaryKey)
        definitions << sql::quoteIdent(column) + QLatin1Char(' ') + table.column(column)->type;
    return definitions.join(QStringLiteral(", "));
}

QStringList writableColumns(const Table &table)
{
    QStringList columns;
    for (const Column &column : table.columns)
        if (column.generated.isNull())
            columns << column.name;
    return columns;
}

/// A date or time column of `table`, or an array of one.
bool holdsMoments(const Table &table, const QString &name)
{
    static const QStringList arrays { QStringLiteral("_date"), QStringLiteral("_time"), QStringLiteral("_timetz"),
        QStringLiteral("_timestamp"), QStringLiteral("_timestamptz") };
    const Column *column = table.column(name);
    return column && (column->typeCategory == QLatin1Char('D') || arrays.contains(column->typeName));
}

/// Whether COPY text `data` (fields in `columns`' order) may hold a date or time spelled as the
/// moment it is read ('now', 'today', 'tomorrow', 'yesterday'): the undo script reading it again
/// would get another value. Any of their first letters in such a field counts: ISO output has none
/// (but "infinity", which only costs reading the rows back).
bool mayHoldMoments(const QByteArray &data, const QStringList &columns, const Table &table)
{
    QList<bool> dated;
    int last = -1;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        dated << holdsMoments(table, columns.at(i));
        if (dated.last())
            last = int(i);
    }
    if (last < 0)
        return false;
    const auto isMomentLetter
        = [](char c) { return c == 'n' || c == 'N' || c == 't' || c == 'T' || c == 'y' || c == 'Y'; };
    const char *line = data.constData();
    const char *const end = line + data.size();
    while (line < end) {
        const char *lineEnd = static_cast<const char *>(std::memchr(line, '\n', size_t(end - line)));
        if (!lineEnd)
            lineEnd = end;
        const char *field = line;
        for (int i = 0; i <= last && field <= lineEnd; ++i) {
            const char *fieldEnd = static_cast<const char *>(std::memchr(field, '\t', size_t(lineEnd - field)));
            if (!fieldEnd)
                fieldEnd = lineEnd;
            const bool null = fieldEnd - field == 2 && field[0] == '\\' && field[1] == 'N';
            if (dated.at(i) && !null && std::any_of(field, fieldEnd, isMomentLetter))
                return true;
            field = fieldEnd + 1;
        }
        line = lineEnd + 1;
    }
    return false;
}

} // namespace

void UndoRecorder::install()
{
    m_session.exec(
        QStringLiteral("CREATE TEMP TABLE \"_salvage_undo_log\" (seq bigserial PRIMARY KEY, stmt integer, tbl oid, "
                       "op text, old jsonb, new jsonb) ON COMMIT DROP"));
    installRefusals();
    for (const Table &table : m_schema.tables) {
        if (table.primaryKey.isEmpty()) {
            installWholeRowLog(table);
            continue;
        }
        m_tables.insert(table.oid, &table);
        const QString keys = runInsertedKeys(table);
        m_session.exec(QStringLiteral("CREATE TEMP TABLE %1 (%2) ON COMMIT DROP").arg(keys, keyDefinitions(table)));
        const QString function = QStringLiteral("pg_temp.\"_salvage_undo_ins_%1\"").arg(m_tables.size());
        const QString rowFunction = QStringLiteral("pg_temp.\"_salvage_undo_row_%1\"").arg(m_tables.size());
        // The table's own oid, not TG_RELID: on a partitioned table the row trigger runs on each
        // partition, and undo writes through the table the schema knows.
        const QString oid = QString::number(table.oid);
        // Inserted rows are logged set-wise from the statement's transition table, typed keys only in
        // a log of their own (a million keys as jsonb cost seconds); the main log gets one marker row
        // that places the statement's inserts among its other operations.
        m_session.exec(
            QStringLiteral(
                "CREATE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
                "INSERT INTO %2 SELECT current_setting('salvage.stmt', true)::integer, %3 FROM \"_salvage_new\" n; "
                "IF FOUND THEN INSERT INTO %4 (stmt, tbl, op) VALUES (current_setting('salvage.stmt', true)::integer, "
                "%5, 'INSERT'); END IF; RETURN NULL; END $f$")
                .arg(function, keys, RestoreSql::prefixed(QStringLiteral("n"), table.primaryKey), kLog, oid));
        m_session.exec(QStringLiteral(
            "CREATE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
            "INSERT INTO %2 (stmt, tbl, op, old, new) VALUES (current_setting('salvage.stmt', true)::integer, "
            "%3, TG_OP, to_jsonb(OLD), CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(NEW) END); "
            "RETURN NULL; END $f$")
                           .arg(rowFunction, kLog, oid));
        m_session.exec(QStringLiteral(
            "CREATE TRIGGER \"_salvage_undo_ins\" AFTER INSERT ON %1 REFERENCING NEW TABLE AS \"_salvage_new\" "
            "FOR EACH STATEMENT EXECUTE FUNCTION %2()")
                           .arg(table.sqlName(), function));
        m_session.exec(QStringLiteral("CREATE TRIGGER \"_salvage_undo_row\" AFTER UPDATE OR DELETE ON %1 "
                                      "FOR EACH ROW EXECUTE FUNCTION %2()")
                           .arg(table.sqlName(), rowFunction));
    }
}

void UndoRecorder::installWholeRowLog(const Table &table)
{
    // Rows nothing tells apart can still be taken back whole: each inserted row's image is logged
    // ('APPEND': the undo deletes as many rows equal to it as the run inserted), each deleted row's
    // image too ('DELETE': the undo inserts it again); an update is both, the new image out and the
    // old one back. The undo, itself run by Salvage, is logged the same way: its redo works too.
    m_tables.insert(table.oid, &table);
    const QString function = QStringLiteral("pg_temp.\"_salvage_undo_app_%1\"").arg(m_tables.size());
    m_session.exec(
        QStringLiteral("CREATE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
                       "IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO %2 (stmt, tbl, op, old) VALUES "
                       "(current_setting('salvage.stmt', true)::integer, %3, 'DELETE', to_jsonb(OLD)); END IF; "
                       "IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO %2 (stmt, tbl, op, new) VALUES "
                       "(current_setting('salvage.stmt', true)::integer, %3, 'APPEND', to_jsonb(NEW)); END IF; "
                       "RETURN NULL; END $f$")
            .arg(function, kLog, QString::number(table.oid)));
    m_session.exec(QStringLiteral("CREATE TRIGGER \"_salvage_undo_append\" AFTER INSERT OR UPDATE OR DELETE ON %1 "
                                  "FOR EACH ROW EXECUTE FUNCTION %2()")
                       .arg(table.sqlName(), function));
}

void UndoRecorder::installRefusals() const
{
    // What the undo script could not put back is refused while the run is still open, so the run
    // fails there and commits nothing: TRUNCATE on every table (no row trigger sees its rows).
    m_session.exec(QStringLiteral(
        "CREATE OR REPLACE FUNCTION pg_temp.\"_salvage_refuse\"() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
        "RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'feature_not_supported'; END $f$"));
    for (const Table &table : m_schema.tables) {
        const QString truncate = QStringLiteral(
            "Salvage refuses TRUNCATE of %1 in a restore run: the undo script could not put its rows back "
            "(delete them instead).")
                                     .arg(table.qualifiedName());
        m_session.exec(
            QStringLiteral("CREATE TRIGGER \"_salvage_undo_truncate\" BEFORE TRUNCATE ON %1 FOR EACH STATEMENT "
                           "EXECUTE FUNCTION pg_temp.\"_salvage_refuse\"(%2)")
                .arg(table.sqlName(), sql::quoteLiteral(truncate)));
    }
}

void UndoRecorder::beginStatement(int number) const
{
    m_session.exec(QStringLiteral("SELECT set_config('salvage.stmt', $1, true)"), { QString::number(number) });
}

void UndoRecorder::copied(int number, const ScriptItem &item, qint64 rows)
{
    if (!item.copyPlainText || item.copyColumns.isEmpty() || item.copyTable.isEmpty())
        return;
    // The server read the data under the settings the undo script reads it with (its header), so
    // the same text gives the same values there. A carriage return would be a line end in one COPY
    // and not in the undo script's, which ends its data with "\.\n".
    static const std::pair<const char *, const char *> settings[] = { { "client_encoding", "UTF8" },
        { "DateStyle", "ISO, YMD" }, { "IntervalStyle", "iso_8601" }, { "TimeZone", "UTC" } };
    for (const auto &[setting, value] : settings)
        if (m_session.reported(setting) != value)
            return;
    if (item.copyData.contains('\r'))
        return;
    // The table the COPY filled, resolved now, under the search_path it ran with.
    const QString relation
        = item.copySchema.isEmpty() ? sql::quoteIdent(item.copyTable) : sql::qualified(item.copySchema, item.copyTable);
    const auto target = m_session.exec(QStringLiteral("SELECT to_regclass($1)::oid"), { relation });
    if (PgRaw::rows(target) != 1 || PgRaw::isNull(target, 0, 0))
        return;
    m_copied[PgRaw::value(target, 0, 0).toUInt()].append(
        { number, item.copyColumns, item.copyData, item.script, rows });
}

QList<CopiedRows> UndoRecorder::afterImageInScript(const Table &table, const QSet<int> &inserting) const
{
    const QList<CopiedRows> copies = m_copied.value(table.oid);
    if (copies.isEmpty() || table.partitioned)
        return {};
    // The table's columns as the run leaves them (the script may have altered it): each COPY gives
    // every one, none is filled in by a default or generated.
    const QString oid = QString::number(table.oid);
    const auto attributes = m_session.exec(
        QStringLiteral("SELECT attname, coalesce(to_jsonb(a) ->> 'attgenerated', '') <> '' FROM pg_attribute a "
                       "WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped"),
        { oid });
    QSet<QString> columns;
    for (int row = 0; row < PgRaw::rows(attributes); ++row) {
        if (PgRaw::value(attributes, row, 1) != QLatin1String("f"))
            return {};
        columns.insert(PgRaw::value(attributes, row, 0));
    }
    QSet<int> copying;
    qint64 rows = 0;
    for (const CopiedRows &copy : copies) {
        copying.insert(copy.statement);
        rows += copy.rows;
        const QSet<QString> listed(copy.columns.cbegin(), copy.columns.cend());
        if (listed.size() != copy.columns.size() || listed != columns)
            return {};
        // A column the schema read before the run does not know has no type to judge its values by.
        for (const QString &column : copy.columns)
            if (!table.column(column))
                return {};
        if (mayHoldMoments(copy.data, copy.columns, table))
            return {};
    }
    // Only these COPYs inserted into the table (no other statement, no trigger elsewhere)…
    if (!copying.contains(inserting))
        return {};
    // …no trigger of the table changed a row on its way in…
    const auto before
        = m_session.exec(QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgrelid = $1::oid AND NOT tgisinternal "
                                        "AND tgenabled <> 'D' AND tgtype & 7 = 7"), // each row, BEFORE, INSERT
            { oid });
    if (PgRaw::value(before, 0, 0) != QLatin1String("0"))
        return {};
    // …and every row inserted is one of theirs (a trigger of the table may have added more).
    const auto inserted = m_session.exec(QStringLiteral("SELECT count(*) FROM %1").arg(runInsertedKeys(table)));
    if (PgRaw::value(inserted, 0, 0).toLongLong() != rows)
        return {};
    return copies;
}

void UndoRecorder::remove() const
{
    for (const Table *table : m_tables) {
        if (table->primaryKey.isEmpty()) {
            m_session.exec(QStringLiteral("DROP TRIGGER \"_salvage_undo_append\" ON %1").arg(table->sqlName()));
            continue;
        }
        m_session.exec(QStringLiteral("DROP TRIGGER \"_salvage_undo_ins\" ON %1").arg(table->sqlName()));
        m_session.exec(QStringLiteral("DROP TRIGGER \"_salvage_undo_row\" ON %1").arg(table->sqlName()));
    }
    for (const Table &table : m_schema.tables) {
        m_session.exec(QStringLiteral("DROP TRIGGER \"_salvage_undo_truncate\" ON %1").arg(table.sqlName()));
    }
}

QString UndoRecorder::undoStatement(int statement, const QList<QPair<quint32, QString>> &operations) const
{
    // Deletes first, inserts last (see below); `gate` marks where a part may wait for the others:
    // NULs, which no name or value in the SQL can hold.
    static const QString gateMark = QStringLiteral("\0gate\0");
    QMap<int, QStringList> partsByOrder;
    for (const auto &[oid, operation] : operations) {
        const Table *table = m_tables.value(oid);
        if (!table)
            throw Error(QStringLiteral("The run changed a table Salvage cannot undo (oid %1).").arg(oid));
        const QString rows = QStringLiteral("\"_salvage_undo\" u, jsonb_populate_record(NULL::%1, u.%2) %3");
        const QString where = QStringLiteral("u.stmt = %1 AND u.tbl = %2 AND u.op = '%3'%4")
                                  .arg(QString::number(statement), QString::number(oid), operation, gateMark);
        const QStringList columns = writableColumns(*table);
        if (operation == QLatin1String("APPEND")) {
            partsByOrder[0] << QStringLiteral(
                "DELETE FROM %1 t WHERE t.ctid IN (SELECT x.ctid FROM (SELECT r.ctid, to_jsonb(r) AS j, "
                "row_number() OVER (PARTITION BY to_jsonb(r)) AS n FROM %1 r) x JOIN (SELECT u.new AS j, "
                "count(*) AS c FROM \"_salvage_undo\" u WHERE %2 GROUP BY u.new) i ON x.j = i.j AND x.n <= i.c)")
                                   .arg(table->sqlName(), where);
        } else if (operation == QLatin1String("INSERT")) {
            partsByOrder[0] << QStringLiteral("DELETE FROM %1 t USING %2 k WHERE k.stmt = %3 AND %4%5")
                                   .arg(table->sqlName(), insertedKeys(*table), QString::number(statement),
                                       matchKey(QStringLiteral("t"), QStringLiteral("k"), table->primaryKey), gateMark);
        } else if (operation == QLatin1String("UPDATE")) {
            QStringList assignments;
            for (const QString &column : columns)
                if (table->column(column)->identity != QLatin1Char('a') || table->primaryKey.contains(column))
                    assignments << QStringLiteral("%1 = o.%1").arg(sql::quoteIdent(column));
            partsByOrder[1] << QStringLiteral(
                "UPDATE %1 t SET %2 FROM %3, jsonb_populate_record(NULL::%1, u.new) n WHERE %4 AND %5")
                                   .arg(table->sqlName(), assignments.join(QStringLiteral(", ")),
                                       rows.arg(table->sqlName(), QStringLiteral("old"), QStringLiteral("o")), where,
                                       matchKey(QStringLiteral("t"), QStringLiteral("n"), table->primaryKey));
        } else {
            QStringList values;
            for (const QString &column : columns)
                values << QStringLiteral("o.") + sql::quoteIdent(column);
            partsByOrder[2] << QStringLiteral(
                "INSERT INTO %1 (%2) OVERRIDING SYSTEM VALUE SELECT %3 FROM %4 WHERE %5 ORDER BY u.seq")
                                   .arg(table->sqlName(), sql::quoteIdentList(columns),
                                       values.join(QStringLiteral(", ")),
                                       rows.arg(table->sqlName(), QStringLiteral("old"), QStringLiteral("o")), where);
        }
    }
    QStringList parts;
    for (const QStringList &ordered : std::as_const(partsByOrder))
        parts << ordered;
    // One statement per forward statement: foreign keys are checked at its end, as they were going
    // forward. PostgreSQL runs the sub-statements a statement does not read after it, in no promised
    // order; the last part reads every other one first, in order, so rows are deleted before the
    // rows that share their unique keys are inserted back.
    QStringList ctes;
    QStringList gate;
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        ctes << QStringLiteral("\"_salvage_u%1\" AS (%2 RETURNING 1)")
                    .arg(i + 1)
                    .arg(QString(parts.at(i)).remove(gateMark));
        gate << QStringLiteral("(SELECT count(*) FROM \"_salvage_u%1\")").arg(i + 1);
    }
    QString last = parts.last();
    last.replace(gateMark,
        gate.isEmpty() ? QString()
                       : QStringLiteral(" AND ") + gate.join(QStringLiteral(" + ")) + QStringLiteral(" >= 0"));
    const QString with = ctes.isEmpty()
        ? QString()
        : QStringLiteral("WITH ") + ctes.join(QStringLiteral(",\n     ")) + QLatin1Char('\n');
    return with + last + QLatin1Char(';');
}

void UndoRecorder::writeGuard(BlockWriter &out) const
{
    const auto changed = m_session.exec(
        QStringLiteral("SELECT tbl, bool_or(op = 'INSERT'), bool_or(op = 'UPDATE'), bool_or(op IN ('UPDATE', "
                       "'DELETE')) FROM %1 GROUP BY tbl ORDER BY tbl")
            .arg(kLog));
    QList<UndoGuard::Changed> tables;
    QSet<quint32> imaged; // tables with pre- or post-images in the log, not only inserts
    QHash<quint32, QSet<int>> inserting; // the statements that inserted into each table
    const auto markers
        = m_session.exec(QStringLiteral("SELECT tbl, stmt FROM %1 WHERE op = 'INSERT' GROUP BY tbl, stmt").arg(kLog));
    for (int row = 0; row < PgRaw::rows(markers); ++row)
        inserting[PgRaw::value(markers, row, 0).toUInt()].insert(PgRaw::value(markers, row, 1).toInt());
    for (int row = 0; row < PgRaw::rows(changed); ++row) {
        if (const Table *table = m_tables.value(PgRaw::value(changed, row, 0).toUInt());
            table && !table->primaryKey.isEmpty()) {
            tables.append({ table, PgRaw::value(changed, row, 1) == QLatin1String("t"),
                PgRaw::value(changed, row, 2) == QLatin1String("t") });
            if (PgRaw::value(changed, row, 3) == QLatin1String("t"))
                imaged.insert(table->oid);
        }
    }
    for (const UndoGuard::Changed &entry : std::as_const(tables)) {
        const Table &table = *entry.table;
        const QString keys = UndoGuard::touchedKeys(table);
        const QString after = UndoGuard::afterImage(table);
        // The script derives the touched keys from the logs it carries already, as the run does
        // below: shipping them cost a second COPY of every inserted key (and the run a DISTINCT
        // over them, which a table only inserted into does without).
        out.write(QStringLiteral("CREATE TEMP TABLE %1 ON COMMIT DROP AS SELECT DISTINCT * FROM (%2) x;\n")
                      .arg(keys, touchedKeySelect(entry, insertedKeys(table), QStringLiteral("\"_salvage_undo\"")))
                      .toUtf8());
        // The rows as the run leaves them, in the table's own column types and order.
        out.write(QStringLiteral("CREATE TEMP TABLE %1 ON COMMIT DROP AS SELECT * FROM %2 WITH NO DATA;\n")
                      .arg(after, table.sqlName())
                      .toUtf8());
        const QList<CopiedRows> copies
            = imaged.contains(table.oid) ? QList<CopiedRows>() : afterImageInScript(table, inserting.value(table.oid));
        // Rows only copied in are the script's own data: carried as it is, not read back from the table.
        for (const CopiedRows &copy : copies) {
            out.write(
                QStringLiteral("COPY %1 (%2) FROM STDIN;\n").arg(after, sql::quoteIdentList(copy.columns)).toUtf8());
            out.write(copy.data);
            if (!copy.data.isEmpty() && !copy.data.endsWith('\n'))
                out.write(QByteArrayLiteral("\n"));
            out.write(QByteArrayLiteral("\\.\n"));
        }
        if (copies.isEmpty()) {
            out.write(QStringLiteral("COPY %1 FROM STDIN;\n").arg(after).toUtf8());
            copyInto(out,
                QStringLiteral("SELECT t.* FROM %1 t WHERE EXISTS (SELECT 1 FROM %2 k WHERE %3)")
                    .arg(table.sqlName(), touchedKeysOfRun(entry, imaged.contains(table.oid)),
                        RestoreSql::equal(QStringLiteral("t"), QStringLiteral("k"), table.primaryKey)));
        }
        out.write(QStringLiteral("ANALYZE %1;\nANALYZE %2;\n").arg(keys, after).toUtf8());
    }
    out.write(UndoGuard(m_schema, tables).render().toUtf8());
}

QString UndoRecorder::touchedKeysOfRun(const UndoGuard::Changed &changed, bool imaged) const
{
    const Table &table = *changed.table;
    // Only inserted, the keys are distinct already: a key inserted twice was deleted or re-keyed
    // in between, which logs an image.
    QString keys = runInsertedKeys(table);
    if (imaged) {
        keys = QStringLiteral("pg_temp.\"_salvage_run_k%1\"").arg(table.oid);
        m_session.exec(QStringLiteral("CREATE TEMP TABLE %1 ON COMMIT DROP AS SELECT DISTINCT * FROM (%2) x")
                           .arg(keys, touchedKeySelect(changed, runInsertedKeys(table), kLog)));
    }
    // Without statistics PostgreSQL takes the keys for a few hundred and fetches the rows by an
    // index probe each (three times slower on 300,000 rows).
    m_session.exec(QStringLiteral("ANALYZE %1").arg(keys));
    return keys;
}

qint64 UndoRecorder::copyInto(BlockWriter &out, const QString &query) const
{
    qint64 rows = 0;
    m_session.copyOut(QStringLiteral("COPY (%1) TO STDOUT").arg(query), [&](const char *chunk, int length) {
        out.write(QByteArray::fromRawData(chunk, length));
        ++rows;
    });
    out.write(QByteArrayLiteral("\\.\n"));
    return rows;
}

qint64 UndoRecorder::writeScript(SafeFileWriter &file, const QString &title) const
{
    // The key tables below are ANALYZEd only to be counted and joined: a sample of 3,000 rows says
    // that as well as the default 30,000, which read the whole of a 100,000-key table (as planning does).
    m_session.exec(QStringLiteral("SET LOCAL default_statistics_target = 10"));
    // COPY hands over one row at a time and the file is unbuffered: a write per row cost a system
    // call each (seconds for a million rows); the bytes go out in blocks instead.
    BlockWriter out(file, QStringLiteral("the undo script"));
    out.write(QStringLiteral(
        "-- Salvage undo script: %1\n-- Run it with: psql -v ON_ERROR_STOP=1 -f THIS_FILE\n"
        "-- Returns every row the run touched to its state before the run. Sequences are left advanced.\n"
        "-- It first checks that those rows are as the run left them: if any was changed, deleted or\n"
        "-- re-created since, or a newer row references one it deletes, it stops, lists them and changes\n"
        "-- nothing. To undo anyway, overwriting those changes (and cascading deletes):\n"
        "--   salvage-cli restore run --force-undo --script THIS_FILE ..., or\n"
        "--   PGOPTIONS='-c salvage.force_undo=on' psql -v ON_ERROR_STOP=1 -f THIS_FILE\n"
        "BEGIN;\nSET LOCAL lock_timeout = '10s';\n"
        "-- Values are read and compared as the run printed them.\n"
        "SET LOCAL TimeZone = 'UTC';\nSET LOCAL DateStyle = 'ISO, YMD';\nSET LOCAL IntervalStyle = 'iso_8601';\n"
        "SET LOCAL extra_float_digits = 3;\n"
        "-- Rows of a cycle of deferrable foreign keys go in reverse order: their keys are checked at COMMIT.\n"
        "SET CONSTRAINTS ALL DEFERRED;\n"
        "CREATE TEMP TABLE \"_salvage_undo\" (seq bigint, stmt integer, tbl oid, op text, old jsonb, new jsonb) ON "
        "COMMIT DROP;\n"
        "COPY \"_salvage_undo\" (seq, stmt, tbl, op, old, new) FROM STDIN;\n")
                  .arg(sql::commentText(title)) // the database name may hold a line break
                  .toUtf8());
    qint64 rows = 0;
    rows += copyInto(
        out, QStringLiteral("SELECT seq, stmt, tbl, op, old, new FROM %1 WHERE op <> 'INSERT' ORDER BY seq").arg(kLog));
    const auto inserted
        = m_session.exec(QStringLiteral("SELECT DISTINCT tbl FROM %1 WHERE op = 'INSERT' ORDER BY tbl").arg(kLog));
    for (int row = 0; row < PgRaw::rows(inserted); ++row) {
        const Table *table = m_tables.value(PgRaw::value(inserted, row, 0).toUInt());
        if (!table)
            continue;
        const QString keys = insertedKeys(*table);
        out.write(QStringLiteral("CREATE TEMP TABLE %1 (%2) ON COMMIT DROP;\nCOPY %1 FROM STDIN;\n")
                      .arg(keys, keyDefinitions(*table))
                      .toUtf8());
        rows += copyInto(out, QStringLiteral("SELECT * FROM %1").arg(runInsertedKeys(*table)));
        out.write(QStringLiteral("ANALYZE %1;\n").arg(keys).toUtf8());
    }

    writeGuard(out);

    // Reverse order of statements; inside one, its operations grouped per table.
    const auto groups = m_session.exec(
        QStringLiteral("SELECT stmt, tbl, op FROM %1 GROUP BY stmt, tbl, op ORDER BY stmt DESC, min(seq) DESC")
            .arg(kLog));
    QMap<int, QList<QPair<quint32, QString>>> byStatement;
    QList<int> statementOrder;
    for (int row = 0; row < PgRaw::rows(groups); ++row) {
        const int statement = PgRaw::value(groups, row, 0).toInt();
        if (!byStatement.contains(statement))
            statementOrder << statement;
        byStatement[statement].append({ PgRaw::value(groups, row, 1).toUInt(), PgRaw::value(groups, row, 2) });
    }
    for (int statement : std::as_const(statementOrder)) {
        out.write(QStringLiteral("-- undo of statement %1\n").arg(statement).toUtf8());
        out.write(undoStatement(statement, byStatement.value(statement)).toUtf8() + "\n");
    }
    out.write(QByteArrayLiteral("COMMIT;\n"));
    out.flush();
    if (!file.commit()) // fsynced and renamed into place, its directory fsynced
        throw Error(QStringLiteral("Cannot write the undo script: %1.").arg(file.errorString()));
    return rows;
}

} // namespace salvage
