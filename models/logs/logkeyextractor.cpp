#include "logkeyextractor.h"

#include "tabletag.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <functional>
#include <string_view>

using namespace Qt::StringLiterals;

namespace salvage {

const QString LogKeyExtractor::parameterRole = u"parameter"_s;
const QString LogKeyExtractor::pathRole = u"path"_s;
const QString LogKeyExtractor::fieldRole = u"field"_s;
const QString LogKeyExtractor::argumentRole = u"argument"_s;
const QString LogKeyExtractor::constraintRole = u"constraint"_s;

namespace {

constexpr qsizetype statementCacheSize = 4096;

void addKey(QList<LogKey> &keys, const QString &role, const QString &value, const QString &table)
{
    if (!LogKeyExtractor::isKeyValue(value))
        return;
    LogKey key { role, value, table };
    if (!keys.contains(key))
        keys.append(std::move(key));
}

bool isAsciiLetter(char16_t c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

// The path walk below works on std::basic_string_view: UTF-16 for fromPath(), bytes for the parse
// pass (fromAsciiPath), with the standard library's plain searches.
template <typename Char> using View = std::basic_string_view<Char>;

template <typename Char> bool isResourceWord(View<Char> segment)
{
    if (segment.empty() || !isAsciiLetter(char16_t(segment[0])))
        return false;
    for (const Char c : segment)
        if (!(isAsciiLetter(char16_t(c)) || c == Char('_') || c == Char('-')))
            return false;
    return true;
}

template <typename Char> bool idLike(View<Char> segment)
{
    if (segment.empty() || segment.size() > 64)
        return false;
    int digits = 0, letters = 0, hyphens = 0;
    for (const Char c : segment) {
        if (c >= Char('0') && c <= Char('9'))
            ++digits;
        else if (isAsciiLetter(char16_t(c)))
            ++letters;
        else if (c == Char('-') || c == Char('_'))
            ++hyphens;
        else
            return false;
    }
    if (letters == 0 && hyphens == 0)
        return segment.size() <= 20;
    if (segment.size() == 36 && hyphens == 4) // a UUID
        return true;
    // Hashes and other opaque ids mix letters and digits; "v1", "v2.1" and words do not qualify.
    return segment.size() >= 8 && digits > 0 && letters > 0;
}

// An id's table tag: the resource before it, after its parent when nested ("orders/items").
template <typename Char> QString pathTableOf(View<Char> parent, View<Char> resource)
{
    const auto word = [](View<Char> view) {
        QString text(qsizetype(view.size()), Qt::Uninitialized);
        for (size_t i = 0; i < view.size(); ++i) { // resource words: ASCII letters, '_' and '-'
            const auto c = char16_t(view[i]);
            text[qsizetype(i)] = QChar(c == u'-' ? u'_' : c >= u'A' && c <= u'Z' ? char16_t(c + 32) : c);
        }
        return text;
    };
    return parent.empty() ? word(resource) : word(parent) + u'/' + word(resource);
}

// The ids of a path (fromPath) as views into it: found(id, parent, resource) for each.
template <typename Char, typename Found> void forEachPathId(View<Char> path, Found found)
{
    // Most paths carry no id: leave them at one scan for a digit.
    if (std::none_of(path.begin(), path.end(), [](Char c) { return c >= Char('0') && c <= Char('9'); }))
        return;
    for (size_t colon = path.find(Char(':')); colon != path.npos; colon = path.find(Char(':'), colon + 1)) {
        if (colon + 2 < path.size() && path[colon + 1] == Char('/') && path[colon + 2] == Char('/')) {
            const size_t slash = path.find(Char('/'), colon + 3); // "://": the path after the host
            path = slash == path.npos ? View<Char>() : path.substr(slash);
            break;
        }
    }
    path = path.substr(0, path.find(Char('?')));
    View<Char> resource, parent;
    // Segments by hand: this runs for every request line, and a tokenizer costs more than the scan.
    for (size_t start = 0; start < path.size();) {
        const size_t stop = std::min(path.find(Char('/'), start), path.size());
        View<Char> segment = path.substr(start, stop - start);
        start = stop + 1;
        if (segment.empty())
            continue;
        if (const size_t dot = segment.rfind(Char('.')); dot != segment.npos && dot > 0 && segment.size() - dot <= 6)
            segment = segment.substr(0, dot); // /statuses/123.json
        if (!resource.empty() && idLike(segment)) {
            found(segment, parent, resource);
            parent = resource;
            resource = {};
        } else if (isResourceWord(segment)) {
            resource = segment;
        } else {
            resource = {}; // "v1", "@alice": no resource for what follows
        }
    }
}

View<char16_t> utf16(QStringView text)
{
    return View<char16_t>(text.utf16(), size_t(text.size()));
}

QLatin1StringView latin1(View<char> text)
{
    return QLatin1StringView(text.data(), qsizetype(text.size()));
}

// A JSON scalar as a key: integers without a fraction, strings as they are.
QString scalarText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (number == double(qint64(number)))
            return QString::number(qint64(number));
    }
    return {};
}

// "table" when "alias" is declared for it after FROM or JOIN ("accounts" AS "a"), else `name`.
QString tableOfQualifier(const QString &name, const QHash<QString, QString> &aliases)
{
    return aliases.value(name.toLower(), name.toLower());
}

// "schema"."Table" → table: quotes dropped, the last part of a qualified name, lower case.
QString unquote(QString name)
{
    name.remove(u'"');
    name = name.trimmed();
    return name.mid(name.lastIndexOf(u'.') + 1).trimmed().toLower();
}

} // namespace

bool LogKeyExtractor::isRowRole(const QString &kind)
{
    return kind == parameterRole || kind == pathRole || kind == fieldRole || kind == argumentRole
        || kind == constraintRole;
}

bool LogKeyExtractor::isTraceKind(const QString &kind)
{
    return kind == "request"_L1 || kind == "job"_L1 || kind == "batch"_L1 || kind == "session"_L1 || kind == "pid"_L1;
}

bool LogKeyExtractor::isKeyValue(QStringView value)
{
    if (value.isEmpty() || value.size() > 128 || value == u"-")
        return false;
    for (const QChar c : value)
        if (c.isSpace() || c == QChar::ReplacementCharacter || c == QChar(0x2400)
            || c.category() == QChar::Other_Control)
            return false;
    return true;
}

bool LogKeyExtractor::isIdLike(QStringView segment)
{
    return idLike(utf16(segment));
}

QString LogKeyExtractor::pathTable(QLatin1StringView parent, QLatin1StringView resource)
{
    return pathTableOf(
        View<char>(parent.data(), size_t(parent.size())), View<char>(resource.data(), size_t(resource.size())));
}

void LogKeyExtractor::fromPath(QStringView path, QList<LogKey> &keys)
{
    forEachPathId(utf16(path), [&](View<char16_t> id, View<char16_t> parent, View<char16_t> resource) {
        addKey(keys, pathRole, QString(reinterpret_cast<const QChar *>(id.data()), qsizetype(id.size())),
            pathTableOf(parent, resource));
    });
}

void LogKeyExtractor::fromAsciiPath(QLatin1StringView path,
    const std::function<void(QLatin1StringView id, QLatin1StringView parent, QLatin1StringView resource)> &found)
{
    forEachPathId(
        View<char>(path.data(), size_t(path.size())), [&](View<char> id, View<char> parent, View<char> resource) {
            found(latin1(id), latin1(parent), latin1(resource));
        });
}

QHash<int, QString> LogKeyExtractor::parameterTables(const QString &statement) const
{
    if (const auto known = m_statements.constFind(statement); known != m_statements.constEnd())
        return *known;
    static const QRegularExpression relation(
        u"\\b(?:FROM|INTO|UPDATE|JOIN)\\s+(?:ONLY\\s+)?((?:\"[^\"]+\"|\\w+)(?:\\s*\\.\\s*(?:\"[^\"]+\"|\\w+))?)"
        "(?:\\s+(?:AS\\s+)?(\"[^\"]+\"|\\w+))?"_s,
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression comparison(
        u"((?:(?:\"[^\"]+\"|\\w+)\\s*\\.\\s*)?(?:\"[^\"]+\"|\\w+))\\s*(?:=|<>|!=|\\bIN\\s*\\(|=\\s*ANY\\s*\\()\\s*\\$(\\d+)\\b"_s,
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression insert(
        u"\\bINSERT\\s+INTO\\s+((?:\"[^\"]+\"|\\w+)(?:\\s*\\.\\s*(?:\"[^\"]+\"|\\w+))?)\\s*\\(([^)]*)\\)\\s*VALUES\\s*\\(([^)]*)\\)"_s,
        QRegularExpression::CaseInsensitiveOption);
    static const QStringList keywords { u"where"_s, u"on"_s, u"join"_s, u"inner"_s, u"left"_s, u"right"_s, u"full"_s,
        u"cross"_s, u"set"_s, u"values"_s, u"order"_s, u"group"_s, u"limit"_s, u"using"_s, u"returning"_s, u"natural"_s,
        u"default"_s, u"select"_s };

    QString main;
    QHash<QString, QString> aliases;
    for (const QRegularExpressionMatch &m : relation.globalMatch(statement)) {
        const QString table = unquote(m.captured(1));
        if (main.isEmpty())
            main = table;
        const QString alias = unquote(m.captured(2));
        if (!alias.isEmpty() && !keywords.contains(alias))
            aliases.insert(alias, table);
    }
    // The tag of a value stored in or compared with a column: "id" names its table, "x_id" the
    // table x refers to, any other column (username, uri) its own table.
    const auto tagOf = [&](const QString &qualifier, const QString &column) {
        if (const QString stem = TableTag::stemOf(column); !stem.isEmpty())
            return stem;
        return qualifier.isEmpty() ? main : tableOfQualifier(qualifier, aliases);
    };
    QHash<int, QString> tables;
    for (const QRegularExpressionMatch &m : comparison.globalMatch(statement)) {
        const QString name = m.captured(1);
        const qsizetype dot = name.lastIndexOf(u'.');
        const QString qualifier = dot < 0 ? QString() : unquote(name.left(dot));
        const QString column = unquote(name);
        if (keywords.contains(column) || column == "and"_L1 || column == "or"_L1 || column == "not"_L1)
            continue;
        tables.insert(m.captured(2).toInt(), tagOf(qualifier, column));
    }
    if (const QRegularExpressionMatch m = insert.match(statement); m.hasMatch()) {
        const QString table = unquote(m.captured(1));
        const QStringList columns = m.captured(2).split(u',');
        const QStringList values = m.captured(3).split(u',');
        for (qsizetype i = 0; i < columns.size() && i < values.size(); ++i) {
            const QString value = values.at(i).trimmed();
            if (value.startsWith(u'$'))
                tables.insert(value.mid(1).toInt(), tagOf(table, unquote(columns.at(i))));
        }
    }
    if (m_statements.size() >= statementCacheSize)
        m_statements.clear();
    m_statements.insert(statement, tables);
    return tables;
}

void LogKeyExtractor::fromStatement(const QString &text, QList<LogKey> &keys) const
{
    const qsizetype at = text.indexOf("parameters: $"_L1);
    if (at < 0)
        return;
    static const QRegularExpression statementLine(
        u"(?:\\b(?:execute|bind|parse) [^:\\n]*|\\bstatement|STATEMENT|QUERY): +([^\\n]+)"_s);
    static const QRegularExpression parameter(u"\\$(\\d+) = (?:'((?:[^']|'')*)'|NULL)"_s);
    const QRegularExpressionMatch found = statementLine.match(text);
    const QHash<int, QString> tables = found.hasMatch() ? parameterTables(found.captured(1)) : QHash<int, QString>();
    const qsizetype end = text.indexOf(u'\n', at);
    const QString list = text.mid(at, end < 0 ? -1 : end - at);
    for (const QRegularExpressionMatch &m : parameter.globalMatch(list)) {
        if (m.capturedStart(2) < 0)
            continue; // NULL
        addKey(keys, parameterRole, m.captured(2).replace("''"_L1, "'"_L1), tables.value(m.capturedView(1).toInt()));
    }
}

void LogKeyExtractor::fromConstraint(const QString &text, QList<LogKey> &keys) const
{
    const qsizetype at = text.indexOf("Key ("_L1);
    if (at < 0)
        return;
    // "Key (account_id, target_account_id)=(1004, 10) already exists." (or "is not present in
    // table"): plain columns only, an expression index's key is left alone.
    static const QRegularExpression detail(u"Key \\(([\\w\", ]+)\\)=\\(([^()\\n]*)\\)"_s);
    const QRegularExpressionMatch m = detail.match(text, at);
    if (!m.hasMatch())
        return;
    const QStringList columns = m.captured(1).split(u',');
    const QStringList values = m.captured(2).split(u", "_s);
    if (columns.size() != values.size())
        return; // a value with ", " in it: which is which is unknown
    static const QRegularExpression statementLine(u"(?:\\bstatement|STATEMENT|QUERY): +([^\\n]+)"_s);
    static const QRegularExpression relation(
        u"\\b(?:FROM|INTO|UPDATE)\\s+(?:ONLY\\s+)?((?:\"[^\"]+\"|\\w+)(?:\\s*\\.\\s*(?:\"[^\"]+\"|\\w+))?)"_s,
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch statement = statementLine.match(text);
    const QRegularExpressionMatch table
        = statement.hasMatch() ? relation.match(statement.captured(1)) : QRegularExpressionMatch();
    const QString main = table.hasMatch() ? unquote(table.captured(1)) : QString();
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const QString column = unquote(columns.at(i));
        const QString stem = TableTag::stemOf(column);
        addKey(keys, constraintRole, values.at(i).trimmed(), stem.isEmpty() ? main : stem);
    }
}

void LogKeyExtractor::fromJson(const QJsonObject &object, const QSet<QString> &skip, QList<LogKey> &keys)
{
    const std::function<void(const QJsonObject &, const QString &, const QString &)> walk
        = [&](const QJsonObject &members, const QString &prefix, const QString &owner) {
              for (auto it = members.begin(); it != members.end(); ++it) {
                  const QString name = it.key();
                  const QString path = prefix.isEmpty() ? name : prefix + u'/' + name;
                  if (skip.contains(path))
                      continue;
                  const QJsonValue value = it.value();
                  const QString stem = TableTag::stemOf(name);
                  if (value.isObject()) {
                      walk(value.toObject(), path, name);
                  } else if (value.isArray()) {
                      const bool arguments = name == "args"_L1 || name == "arguments"_L1;
                      if (!arguments && !name.toLower().endsWith("_ids"_L1))
                          continue;
                      for (const QJsonValue &element : value.toArray()) {
                          if (element.isObject())
                              walk(element.toObject(), path, owner);
                          else
                              addKey(keys, arguments ? argumentRole : fieldRole, scalarText(element), stem);
                      }
                  } else if (!stem.isEmpty()) {
                      addKey(keys, fieldRole, scalarText(value), stem);
                  } else if (name == "id"_L1 && !owner.isEmpty() && TableTag::stemOf(owner).isEmpty()) {
                      addKey(keys, fieldRole, scalarText(value), owner.toLower()); // {"account": {"id": 44}}
                  }
              }
          };
    walk(object, {}, {});
}

void LogKeyExtractor::fromFields(const QHash<QString, QString> &fields, const QSet<QString> &skip, QList<LogKey> &keys)
{
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const QString &name = it.key();
        if (!name.endsWith("_id"_L1) && !name.endsWith("_ids"_L1))
            continue;
        if (skip.contains(name))
            continue;
        const QString stem = TableTag::stemOf(name.mid(name.lastIndexOf(u'/') + 1));
        for (QStringView value : QStringView(it.value()).tokenize(u',', Qt::SkipEmptyParts))
            addKey(keys, fieldRole, value.trimmed().toString(), stem);
    }
}

void LogKeyExtractor::fromArguments(const QString &text, qsizetype open, QList<LogKey> &keys)
{
    // The list up to its closing bracket, quotes and nesting respected; none when it is cut.
    qsizetype end = open, depth = 0;
    bool quoted = false;
    for (; end < text.size(); ++end) {
        const QChar c = text.at(end);
        if (c == u'\\' && quoted)
            ++end;
        else if (c == u'"')
            quoted = !quoted;
        else if (!quoted && c == u'[')
            ++depth;
        else if (!quoted && c == u']' && --depth == 0)
            break;
    }
    if (end >= text.size())
        return;
    const QString list = text.mid(open, end - open + 1);
    const QJsonDocument parsed = QJsonDocument::fromJson(list.toUtf8());
    if (parsed.isArray()) {
        QJsonObject holder;
        holder.insert(u"args"_s, parsed.array());
        fromJson(holder, {}, keys);
        return;
    }
    // Ruby's inspect (symbols, single quotes): the plain items.
    for (QStringView item : QStringView(list).mid(1, list.size() - 2).tokenize(u','))
        addKey(keys, argumentRole, item.trimmed().toString().remove(u'"').remove(u'\'').remove(u'[').remove(u']'), {});
}

void LogKeyExtractor::fromText(const QString &text, QList<LogKey> &keys)
{
    if (const qsizetype at = text.indexOf("args=["_L1); at >= 0)
        fromArguments(text, at + 5, keys);
    if (!text.contains("_id\""_L1))
        return;
    static const QRegularExpression member(u"\"(\\w+_id)\"\\s*(?:=>|:)\\s*\"?([\\w.:@-]{1,128})"_s);
    for (const QRegularExpressionMatch &m : member.globalMatch(text))
        addKey(keys, fieldRole, m.captured(2), TableTag::stemOf(m.captured(1)));
}

} // namespace salvage
