#include "reportwriter.h"

#include "logs/logkeyextractor.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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
        text += (text.isEmpty() ? u""_s : u" "_s) + u"↔ %1:%2 (inferred)"_s.arg(link.source).arg(link.line);
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
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s) + u"+00:00"_s;
}

void ReportWriter::write(const QString &text)
{
    m_out->write(text.toUtf8());
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
            const QString row = html ? u"<tr><td>%1</td><td>%L2</td><td>%L3</td><td>%L4</td><td>%L5</td></tr>\n"_s
                                     : u"| %1 | %L2 | %L3 | %L4 | %L5 |\n"_s;
            write(row.arg(html ? loss.table.toHtmlEscaped() : markdownCell(loss.table))
                      .arg(loss.lost)
                      .arg(loss.added)
                      .arg(loss.changed)
                      .arg(loss.moved));
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
    const QString row = html ? u"<tr><td>%1</td><td>%L2</td><td>%L3</td><td>%L4</td><td>%L5</td></tr>\n"_s
                             : u"| %1 | %L2 | %L3 | %L4 | %L5 |\n"_s;
    for (const BackupGain::Table &table : gain.tables)
        write(row.arg(cell(table.table))
                  .arg(table.lostFromFirst)
                  .arg(table.lostFromSecond)
                  .arg(table.onlyFromSecond)
                  .arg(table.onlyFromFirst));
    write(row.arg(html ? u"<b>all tables</b>"_s : u"**all tables**"_s)
              .arg(gain.total(&BackupGain::Table::lostFromFirst))
              .arg(gain.total(&BackupGain::Table::lostFromSecond))
              .arg(gain.total(&BackupGain::Table::onlyFromSecond))
              .arg(gain.total(&BackupGain::Table::onlyFromFirst)));
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
    case Format::Jsonl: {
        QJsonObject keys;
        for (const LogKey &key : e.keys) {
            const QJsonValue existing = keys.value(key.kind);
            if (existing.isUndefined())
                keys.insert(key.kind, key.value);
            else {
                QJsonArray values = existing.isArray() ? existing.toArray() : QJsonArray { existing };
                values.append(key.value);
                keys.insert(key.kind, values);
            }
        }
        // Row ids with their role and the table they most likely name (null: none known).
        QJsonArray rowKeys;
        for (const LogKey &key : e.keys)
            if (!key.table.isEmpty() || LogKeyExtractor::isRowRole(key.kind))
                rowKeys.append(QJsonObject { { u"role"_s, key.kind }, { u"value"_s, key.value },
                    { u"table"_s, key.table.isEmpty() ? QJsonValue() : QJsonValue(key.table) } });
        QJsonArray tags = QJsonArray::fromStringList(e.tags);
        if (e.starred)
            tags.append(u"starred"_s);
        QJsonObject o { { u"message"_s, e.standaloneMessage() }, { u"datetime"_s, isoUtc(e.instantMs) },
            { u"timestamp"_s, e.instantMs * 1000 }, { u"timestamp_desc"_s, e.timestampDesc }, { u"source"_s, e.source },
            { u"level"_s, levelName(e.level) }, { u"keys"_s, keys }, { u"tag"_s, tags } };
        if (!rowKeys.isEmpty())
            o.insert(u"row_keys"_s, rowKeys);
        if (!e.originalTime.isEmpty())
            o.insert(u"original_time"_s, e.originalTime);
        if (!e.comment.isEmpty())
            o.insert(u"comment"_s, e.comment);
        if (e.manual)
            o.insert(u"manual"_s, true);
        if (e.inferred)
            o.insert(u"link"_s, u"inferred"_s);
        if (!e.inferredLinks.isEmpty()) {
            QJsonArray links;
            for (const ReportLink &link : e.inferredLinks)
                links.append(QJsonObject { { u"source"_s, link.source }, { u"line"_s, link.line },
                    { u"datetime"_s, isoUtc(link.instantMs) }, { u"link"_s, u"inferred"_s },
                    { u"reason"_s, link.reason } });
            o.insert(u"inferred_links"_s, links);
        }
        m_out->write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
        return;
    }
    }
}

void ReportWriter::finish()
{
    if (m_format == Format::Html)
        write(u"</table>\n</body></html>\n"_s);
}

} // namespace salvage
