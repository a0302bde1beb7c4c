#include "reportwriter.h"

#include "compactjson.h"
#include "logs/logkeyextractor.h"
#include "logs/timestampparser.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

QString keysText(const QList<LogKey> &keys)
{
    QStringList parts;
    for (const LogKey &key : keys)
        parts.append(key.kind + u'=' + (key.table.isEmpty() ? key.value : key.table + u':' + key.value));
    return parts.join(u' ');
}

// Keys, then links without a shared key, each marked inferred.
QString keysAndLinks(const ReportEntry &entry)
{
    QString text = keysText(entry.keys);
    for (const ReportLink &link : entry.inferredLinks)
        text
            += (text.isEmpty() ? u""_s : u" "_s) + u"↔ %1:%2 (inferred)"_s.arg(link.source, QString::number(link.line));
    return text;
}

QString markdownCell(QString text)
{
    text.replace(u'\\', u"\\\\"_s).replace(u'|', u"\\|"_s).replace(u'\n', u"<br>"_s);
    return text;
}

QString csvCell(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    return u'"' + QString(text).replace(u'"', u"\"\""_s) + u'"';
}

QString marks(const ReportEntry &entry)
{
    QString text = entry.manual ? u"note"_s : entry.inferred ? u"inferred"_s : QString();
    if (entry.starred)
        text += text.isEmpty() ? u"★"_s : u" ★"_s;
    return text;
}

} // namespace

std::optional<ReportWriter::Format> ReportWriter::formatFromName(const QString &name)
{
    if (name == "markdown"_L1 || name == "md"_L1)
        return Format::Markdown;
    if (name == "html"_L1)
        return Format::Html;
    if (name == "csv"_L1)
        return Format::Csv;
    if (name == "jsonl"_L1)
        return Format::Jsonl;
    return std::nullopt;
}

ReportWriter::ReportWriter(QIODevice *out, Format format, QString title)
    : m_out(out)
    , m_format(format)
    , m_title(std::move(title))
{
}

QString ReportWriter::isoUtc(qint64 ms)
{
    // Years 1970 to 9999 by hand (a row each: QDateTime's formatting costs more than the rest of
    // the row); QDateTime's output for any other.
    constexpr qint64 msPerDay = 86'400'000, year10000 = 253'402'300'800'000;
    if (ms < 0 || ms >= year10000)
        return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s)
            + u"+00:00"_s;
    const TimestampParser::CivilDate date = TimestampParser::civilFromDays(ms / msPerDay);
    const qint64 inDay = ms % msPerDay;
    char16_t text[29];
    const auto put = [&text](int at, qint64 value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value /= 10)
            text[at + i] = char16_t(u'0' + value % 10);
    };
    put(0, date.year, 4);
    text[4] = u'-';
    put(5, date.month, 2);
    text[7] = u'-';
    put(8, date.day, 2);
    text[10] = u'T';
    put(11, inDay / 3'600'000, 2);
    text[13] = u':';
    put(14, inDay / 60'000 % 60, 2);
    text[16] = u':';
    put(17, inDay / 1000 % 60, 2);
    text[19] = u'.';
    put(20, inDay % 1000, 3);
    const char16_t zone[] = u"+00:00";
    std::copy(zone, zone + 6, text + 23);
    return QString(reinterpret_cast<const QChar *>(text), 29);
}

void ReportWriter::write(const QString &text)
{
    m_buffer.append(text.toUtf8());
    flushIfFull();
}

void ReportWriter::flushIfFull()
{
    if (m_buffer.size() >= (1 << 20))
        flush();
}

void ReportWriter::flush()
{
    m_out->write(m_buffer);
    m_buffer.clear();
}

// Members in QJsonObject's order (sorted by name), as the document per row wrote them before.
void ReportWriter::jsonLine(const ReportEntry &e)
{
    CompactJson json(m_buffer);
    json.beginObject();
    if (!e.comment.isEmpty())
        json.key(u"comment").value(e.comment);
    json.key(u"datetime").value(isoUtc(e.instantMs));
    if (!e.inferredLinks.isEmpty()) {
        json.key(u"inferred_links").beginArray();
        for (const ReportLink &link : e.inferredLinks)
            json.beginObject()
                .key(u"datetime")
                .value(isoUtc(link.instantMs))
                .key(u"line")
                .value(link.line)
                .key(u"link")
                .value(u"inferred")
                .key(u"reason")
                .value(link.reason)
                .key(u"source")
                .value(link.source)
                .endObject();
        json.endArray();
    }
    // Values by kind (an array when a kind repeats), kinds sorted, values in the event's order.
    std::vector<const LogKey *> byKind;
    for (const LogKey &key : e.keys)
        byKind.push_back(&key);
    std::stable_sort(byKind.begin(), byKind.end(), [](const LogKey *a, const LogKey *b) { return a->kind < b->kind; });
    json.key(u"keys").beginObject();
    for (size_t i = 0; i < byKind.size();) {
        size_t next = i + 1;
        while (next < byKind.size() && byKind[next]->kind == byKind[i]->kind)
            ++next;
        json.key(byKind[i]->kind);
        if (next - i == 1) {
            json.value(byKind[i]->value);
        } else {
            json.beginArray();
            for (size_t k = i; k < next; ++k)
                json.value(byKind[k]->value);
            json.endArray();
        }
        i = next;
    }
    json.endObject();
    json.key(u"level").value(levelName(e.level));
    if (e.inferred)
        json.key(u"link").value(u"inferred");
    if (e.manual)
        json.key(u"manual").boolean(true);
    json.key(u"message").value(e.standaloneMessage());
    if (!e.originalTime.isEmpty())
        json.key(u"original_time").value(e.originalTime);
    // Row ids with their role and the table they most likely name (null: none known).
    bool rowKeys = false;
    for (const LogKey &key : e.keys) {
        if (key.table.isEmpty() && !LogKeyExtractor::isRowRole(key.kind))
            continue;
        if (!rowKeys)
            json.key(u"row_keys").beginArray();
        rowKeys = true;
        json.beginObject().key(u"role").value(key.kind).key(u"table");
        if (key.table.isEmpty())
            json.null();
        else
            json.value(key.table);
        json.key(u"value").value(key.value).endObject();
    }
    if (rowKeys)
        json.endArray();
    json.key(u"source").value(e.source);
    json.key(u"tag").beginArray();
    for (const QString &tag : e.tags)
        json.value(tag);
    if (e.starred)
        json.value(u"starred");
    json.endArray();
    json.key(u"timestamp").value(e.instantMs * 1000);
    json.key(u"timestamp_desc").value(e.timestampDesc);
    json.endObject();
    m_buffer.append('\n');
}

void ReportWriter::tableRow(const ReportEntry &e)
{
    const QString time
        = QDateTime::fromMSecsSinceEpoch(e.instantMs, QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s);
    const QString note = e.comment.isEmpty()
        ? e.tags.join(u", "_s)
        : (e.tags.isEmpty() ? e.comment : e.tags.join(u", "_s) + u": "_s + e.comment);
    if (m_format == Format::Markdown) {
        write(u"| %1 | %2 | %3 | %4 | %5 | %6 | %7 |\n"_s.arg(time, markdownCell(e.source), levelName(e.level),
            markdownCell(e.message), markdownCell(keysAndLinks(e)), markdownCell(note), marks(e)));
    } else {
        write(
            u"<tr class=\"%1\"><td>%2</td><td>%3</td><td>%4</td><td><pre>%5</pre></td><td>%6</td><td>%7</td><td>%8</td></tr>\n"_s
                .arg(levelName(e.level), time, e.source.toHtmlEscaped(), levelName(e.level), e.message.toHtmlEscaped(),
                    keysAndLinks(e).toHtmlEscaped(), note.toHtmlEscaped(), marks(e)));
    }
}

void ReportWriter::writeSummary()
{
    if (!m_summary)
        return;
    const PostmortemSummary &s = *m_summary;
    const bool html = m_format == Format::Html;
    const std::pair<QString, const QStringList *> sections[] = { { u"What happened"_s, &s.what },
        { u"When"_s, &s.when }, { u"How far it reached"_s, &s.reach }, { u"What was restored"_s, &s.restored } };
    write(html ? u"<div class=\"summary\">\n<h2>Summary</h2>\n"_s : u"\n## Summary\n"_s);
    for (const auto &[heading, lines] : sections) {
        if (lines->isEmpty())
            continue;
        write(html ? u"<h3>%1</h3>\n<ul>\n"_s.arg(heading) : u"\n### %1\n\n"_s.arg(heading));
        for (const QString &line : *lines)
            write(html ? u"<li>%1</li>\n"_s.arg(line.toHtmlEscaped()) : u"- %1\n"_s.arg(line));
        if (html)
            write(u"</ul>\n"_s);
    }
    if (!s.losses.isEmpty()) {
        write(html
                ? u"<h3>Loss per table</h3>\n<table><tr><th>Table</th><th>Lost</th><th>New</th><th>Changed</th>"
                  "<th>Moved</th></tr>\n"_s
                : u"\n### Loss per table\n\n| Table | Lost | New | Changed | Moved |\n|---|---:|---:|---:|---:|\n"_s);
        for (const TableLoss &loss : s.losses) {
            const QString row = html ? u"<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td></tr>\n"_s
                                     : u"| %1 | %2 | %3 | %4 | %5 |\n"_s;
            const QLocale locale;
            write(row.arg(html ? loss.table.toHtmlEscaped() : markdownCell(loss.table), locale.toString(loss.lost),
                locale.toString(loss.added), locale.toString(loss.changed), locale.toString(loss.moved)));
        }
        if (html)
            write(u"</table>\n"_s);
    }
    if (s.gain && !s.gain->tables.isEmpty())
        writeGain(*s.gain);
    for (const PostmortemFigure &figure : s.figures) {
        if (figure.fileName.isEmpty())
            continue;
        const QString link = QString::fromUtf8(QUrl::toPercentEncoding(figure.fileName));
        write(html ? u"<figure><img src=\"%1\" alt=\"%2\"><figcaption>%2</figcaption></figure>\n"_s.arg(
                  link, figure.caption.toHtmlEscaped())
                   : u"\n![%1](%2)\n"_s.arg(figure.caption, link));
    }
    if (html)
        write(u"</div>\n"_s);
}

void ReportWriter::writeGain(const BackupGain &gain)
{
    const bool html = m_format == Format::Html;
    const auto cell = [html](const QString &text) { return html ? text.toHtmlEscaped() : markdownCell(text); };
    const QString first = cell(gain.firstName), second = cell(gain.secondName);
    const QString heading = u"Recoverable from %1 vs %2"_s;
    // Rows lost in LIVE that each BACKUP holds, and how many only one of them does.
    if (html)
        write(u"<h3>%1</h3>\n<table><tr><th>Table</th><th>Lost, in %2</th><th>Lost, in %3</th><th>Only in %3</th>"
              "<th>Only in %2</th></tr>\n"_s.arg(heading.arg(first, second), first, second));
    else
        write(
            u"\n### %1\n\n| Table | Lost, in %2 | Lost, in %3 | Only in %3 | Only in %2 |\n|---|---:|---:|---:|---:|\n"_s
                .arg(heading.arg(first, second), first, second));
    const QString row = html ? u"<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td></tr>\n"_s
                             : u"| %1 | %2 | %3 | %4 | %5 |\n"_s;
    for (const BackupGain::Table &table : gain.tables)
        write(row.arg(cell(table.table), QLocale().toString(table.lostFromFirst),
            QLocale().toString(table.lostFromSecond), QLocale().toString(table.onlyFromSecond),
            QLocale().toString(table.onlyFromFirst)));
    write(row.arg(html ? u"<b>all tables</b>"_s : u"**all tables**"_s,
        QLocale().toString(gain.total(&BackupGain::Table::lostFromFirst)),
        QLocale().toString(gain.total(&BackupGain::Table::lostFromSecond)),
        QLocale().toString(gain.total(&BackupGain::Table::onlyFromSecond)),
        QLocale().toString(gain.total(&BackupGain::Table::onlyFromFirst))));
    if (html)
        write(u"</table>\n"_s);
}

void ReportWriter::begin(const QList<ReportEntry> &highlights, const QStringList &notes)
{
    switch (m_format) {
    case Format::Csv:
        write(u"datetime,timestamp,timestamp_desc,message,source,level,keys,tag,comment,original_time\n"_s);
        return;
    case Format::Jsonl:
        return;
    case Format::Markdown:
        write(u"# %1\n\n"_s.arg(m_title));
        for (const QString &note : notes)
            write(u"- %1\n"_s.arg(note));
        writeSummary();
        if (!highlights.isEmpty()) {
            write(
                u"\n## Key events (UTC)\n\n| Time (UTC) | Source | Level | Event | Keys | Notes | |\n|---|---|---|---|---|---|---|\n"_s);
            for (const ReportEntry &e : highlights)
                tableRow(e);
        }
        write(
            u"\n## Timeline (UTC)\n\n| Time (UTC) | Source | Level | Event | Keys | Notes | |\n|---|---|---|---|---|---|---|\n"_s);
        return;
    case Format::Html: {
        write(
            u"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title>\n"_s.arg(m_title.toHtmlEscaped()));
        write(u"<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid "
              u"#ccc;padding:2px 6px;"
              "vertical-align:top}pre{margin:0;white-space:pre-wrap}.error,.fatal,.critical{background:#fee}.warning{"
              "background:#ffd}.summary{max-width:60em}figure{margin:1em 0}figure img{max-width:100%;border:1px solid "
              "#ddd}figcaption{color:#555;font-size:90%}</style>"
              "</head><body>\n"_s);
        write(u"<h1>%1</h1>\n<ul>\n"_s.arg(m_title.toHtmlEscaped()));
        for (const QString &note : notes)
            write(u"<li>%1</li>\n"_s.arg(note.toHtmlEscaped()));
        write(u"</ul>\n"_s);
        writeSummary();
        const QString head
            = u"<table><tr><th>Time (UTC)</th><th>Source</th><th>Level</th><th>Event</th><th>Keys</th><th>Notes</th><th></th></tr>\n"_s;
        if (!highlights.isEmpty()) {
            write(u"<h2>Key events</h2>\n"_s + head);
            for (const ReportEntry &e : highlights)
                tableRow(e);
            write(u"</table>\n"_s);
        }
        write(u"<h2>Timeline</h2>\n"_s + head);
        return;
    }
    }
}

void ReportWriter::add(const ReportEntry &e)
{
    switch (m_format) {
    case Format::Markdown:
    case Format::Html:
        tableRow(e);
        return;
    case Format::Csv:
        write(QStringList { isoUtc(e.instantMs), QString::number(e.instantMs * 1000), csvCell(e.timestampDesc),
                  csvCell(e.standaloneMessage()), csvCell(e.source), levelName(e.level), csvCell(keysText(e.keys)),
                  csvCell(e.tags.join(u',')), csvCell(e.comment), csvCell(e.originalTime) }
                  .join(u',')
            + u'\n');
        return;
    case Format::Jsonl:
        jsonLine(e);
        flushIfFull();
        return;
    }
}

void ReportWriter::finish()
{
    if (m_format == Format::Html)
        write(u"</table>\n</body></html>\n"_s);
    flush();
}

} // namespace salvage
