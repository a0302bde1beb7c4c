#include "tabletag.h"

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

bool looksPlural(const QString &word)
{
    return word.endsWith(u's') && !word.endsWith("ss"_L1) && !word.endsWith("us"_L1) && !word.endsWith("is"_L1);
}

void addForms(QStringList &out, const QString &word)
{
    // The likeliest table name first: tables are mostly named in the plural.
    const QStringList forms { looksPlural(word) ? word : TableTag::plural(word), word, TableTag::singular(word) };
    for (const QString &form : forms)
        if (!form.isEmpty() && !out.contains(form))
            out << form;
}

} // namespace

QString TableTag::plural(const QString &word)
{
    if (word.isEmpty())
        return word;
    if (word.endsWith(u'y') && word.size() > 1 && !QStringLiteral("aeiou").contains(word.at(word.size() - 2)))
        return word.chopped(1) + "ies"_L1;
    if (word.endsWith(u's') || word.endsWith(u'x') || word.endsWith(u'z') || word.endsWith("ch"_L1)
        || word.endsWith("sh"_L1))
        return word + "es"_L1;
    return word + u's';
}

QString TableTag::singular(const QString &word)
{
    if (word.endsWith("ies"_L1) && word.size() > 3)
        return word.chopped(3) + u'y';
    for (const auto suffix : { "sses"_L1, "xes"_L1, "zes"_L1, "ches"_L1, "shes"_L1, "uses"_L1 })
        if (word.endsWith(suffix))
            return word.chopped(2);
    if (looksPlural(word))
        return word.chopped(1);
    return word;
}

QString TableTag::stemOf(const QString &column)
{
    // Called for every keyed field of every event: no allocation unless it is an id column.
    for (const auto suffix : { "_id"_L1, "_ids"_L1 })
        if (column.size() > suffix.size() && column.endsWith(suffix, Qt::CaseInsensitive))
            return column.chopped(suffix.size()).toLower();
    return {};
}

QStringList TableTag::candidates(const QString &tag)
{
    const QString lower = tag.toLower();
    const qsizetype slash = lower.lastIndexOf(u'/');
    const QString parent = slash < 0 ? QString() : lower.left(slash);
    const QString resource = slash < 0 ? lower : lower.mid(slash + 1);
    QStringList out;
    // The whole word, then its trailing words: target_account → account.
    const QStringList words = resource.split(u'_', Qt::SkipEmptyParts);
    for (qsizetype first = 0; first < words.size(); ++first)
        addForms(out, words.mid(first).join(u'_'));
    if (!parent.isEmpty()) {
        const QStringList direct = out;
        for (const QString &form : direct)
            if (looksPlural(form) || form == resource)
                for (const QString &prefix : { singular(parent), parent })
                    if (!out.contains(prefix + u'_' + form))
                        out << prefix + u'_' + form;
    }
    return out;
}

QString TableTag::resolve(const QString &tag, const QSet<QString> &tables)
{
    const QStringList names = candidates(tag);
    if (tables.isEmpty())
        return names.value(0);
    for (const QString &name : names)
        if (tables.contains(name))
            return name;
    return {};
}

bool TableTag::names(const QString &tag, const QString &table, const QSet<QString> &tables)
{
    const QString wanted = table.toLower();
    return tables.isEmpty() ? candidates(tag).contains(wanted) : resolve(tag, tables) == wanted;
}

} // namespace salvage
