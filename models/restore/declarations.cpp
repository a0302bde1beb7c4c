#include "restore/declarations.h"

#include "core/error.h"
#include "db/pgraw.h"
#include "db/schema.h"
#include "db/sqlident.h"
#include "restore/restorerequest.h"
#include "workspace/workspace.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace salvage {

namespace {

const QString kSection = QStringLiteral("declarations");

/// Splits `text` at the commas outside parentheses and quotes; `balanced` says whether every
/// parenthesis and quote closes (an expression cannot close the SQL it is put into).
QStringList splitTopLevel(const QString &text, bool *balanced)
{
    QStringList parts;
    QString current;
    int depth = 0;
    QChar quote;
    for (const QChar c : text) {
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
        } else if (c == QLatin1Char('(')) {
            ++depth;
        } else if (c == QLatin1Char(')')) {
            if (--depth < 0)
                break;
        } else if (c == QLatin1Char(',') && depth == 0) {
            parts << current.trimmed();
            current.clear();
            continue;
        }
        current += c;
    }
    parts << current.trimmed();
    *balanced = depth == 0 && quote.isNull();
    return parts;
}

QStringList texts(const QJsonArray &array)
{
    QStringList result;
    for (const QJsonValue &value : array)
        result << value.toString();
    return result;
}

} // namespace

RestoreRelation Declarations::parseRelation(const QString &text)
{
    const QString child = text.section(QLatin1Char('='), 0, 0).trimmed();
    const QString parent = text.section(QLatin1Char('='), 1).trimmed();
    const qsizetype childDot = child.lastIndexOf(QLatin1Char('.'));
    if (childDot <= 0 || childDot + 1 >= child.size() || parent.isEmpty())
        throw Error(QStringLiteral("A relation is CHILD.COLUMN=PARENT[:COLUMN], not \"%1\".").arg(text));
    RestoreRelation relation { child.left(childDot), { child.mid(childDot + 1) }, parent, {} };
    if (parent.contains(QLatin1Char(':'))) {
        relation.parentTable = parent.section(QLatin1Char(':'), 0, 0).trimmed();
        relation.parentColumns = { parent.section(QLatin1Char(':'), 1).trimmed() };
        if (relation.parentTable.isEmpty() || relation.parentColumns.first().isEmpty())
            throw Error(QStringLiteral("A relation is CHILD.COLUMN=PARENT[:COLUMN], not \"%1\".").arg(text));
    }
    return relation;
}

DeclaredUnique Declarations::parseUnique(const QString &text)
{
    static const QRegularExpression shape(
        QStringLiteral("^\\s*(%1)\\s*\\((.*)\\)\\s*$").arg(sql::qualifiedNamePattern()),
        QRegularExpression::DotMatchesEverythingOption);
    const auto match = shape.match(text);
    bool balanced = false;
    const QStringList expressions = match.hasMatch() ? splitTopLevel(match.captured(2), &balanced) : QStringList();
    if (!match.hasMatch() || !balanced || expressions.contains(QString()))
        throw Error(QStringLiteral("A declared uniqueness is TABLE (expression, …), not \"%1\".").arg(text));
    return { match.captured(1), expressions };
}

DeclaredRule Declarations::parseRule(const QString &text)
{
    static const QRegularExpression shape(QStringLiteral("^\\s*(%1)\\s*:(.*)$").arg(sql::qualifiedNamePattern()),
        QRegularExpression::DotMatchesEverythingOption);
    const auto match = shape.match(text);
    bool balanced = false;
    if (match.hasMatch())
        splitTopLevel(match.captured(2), &balanced);
    if (!match.hasMatch() || !balanced || match.captured(2).trimmed().isEmpty()
        || match.captured(2).trimmed().startsWith(QLatin1Char(':')))
        throw Error(QStringLiteral("A declared rule is TABLE: CONDITION, not \"%1\".").arg(text));
    return { match.captured(1), match.captured(2).trimmed() };
}

QString Declarations::text(const RestoreRelation &relation)
{
    QString text = QStringLiteral("%1.%2=%3")
                       .arg(relation.childTable, relation.columns.join(QLatin1Char(',')), relation.parentTable);
    if (!relation.parentColumns.isEmpty())
        text += QLatin1Char(':') + relation.parentColumns.join(QLatin1Char(','));
    return text;
}

QString Declarations::text(const DeclaredUnique &unique)
{
    return QStringLiteral("%1 (%2)").arg(unique.table, unique.expressions.join(QStringLiteral(", ")));
}

QString Declarations::text(const DeclaredRule &rule)
{
    return QStringLiteral("%1: %2").arg(rule.table, rule.condition);
}

void Declarations::addTo(RestoreRequest &request) const
{
    request.relations << relations;
    request.uniques << uniques;
    request.rules << rules;
}

void Declarations::saveTo(Workspace &workspace) const
{
    QJsonArray relationTexts;
    for (const RestoreRelation &relation : relations)
        relationTexts.append(text(relation));
    QJsonArray uniqueTexts;
    for (const DeclaredUnique &unique : uniques)
        uniqueTexts.append(text(unique));
    QJsonArray ruleTexts;
    for (const DeclaredRule &rule : rules)
        ruleTexts.append(text(rule));
    workspace.setSection(kSection,
        { { QStringLiteral("relations"), relationTexts }, { QStringLiteral("uniques"), uniqueTexts },
            { QStringLiteral("rules"), ruleTexts } });
}

Declarations Declarations::loadFrom(const Workspace &workspace)
{
    const QJsonObject section = workspace.section(kSection);
    Declarations declarations;
    for (const QString &text : texts(section.value(QStringLiteral("relations")).toArray()))
        declarations.relations << parseRelation(text);
    for (const QString &text : texts(section.value(QStringLiteral("uniques")).toArray()))
        declarations.uniques << parseUnique(text);
    for (const QString &text : texts(section.value(QStringLiteral("rules")).toArray()))
        declarations.rules << parseRule(text);
    return declarations;
}

bool Declarations::operator==(const Declarations &other) const
{
    const auto same = [](const auto &left, const auto &right) {
        if (left.size() != right.size())
            return false;
        for (qsizetype i = 0; i < left.size(); ++i)
            if (text(left.at(i)) != text(right.at(i)))
                return false;
        return true;
    };
    return same(relations, other.relations) && same(uniques, other.uniques) && same(rules, other.rules);
}

const Table &Declarations::tableOf(const Schema &schema, const QString &table, const QString &declaration)
{
    const Table *found = schema.findTable(table);
    if (!found)
        throw Error(QStringLiteral("Declaration \"%1\": %2 has no table %3 (or more than one: qualify it).")
                        .arg(declaration, schema.database, table));
    return *found;
}

void Declarations::checkByServer(const PgRaw &session, const QString &query, const QString &declaration)
{
    try {
        session.exec(query);
    } catch (const Error &error) {
        throw Error(QStringLiteral("Declaration \"%1\": %2").arg(declaration, error.message().simplified()));
    }
}

} // namespace salvage
