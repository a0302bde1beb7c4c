#pragma once

#include "restore/restoreplan.h"

#include <QList>
#include <QString>

namespace salvage {

class PgRaw;
class Workspace;
struct RestoreRequest;
struct Schema;
struct Table;

/// What the operator declares that the database cannot say: relations without a foreign key,
/// uniqueness and rules the application enforces in code. Parsed from and printed as the text the
/// CLI takes, and kept in the workspace's "declarations" section.
struct Declarations
{
    QList<RestoreRelation> relations;
    QList<DeclaredUnique> uniques;
    QList<DeclaredRule> rules;

    /// "CHILD.COL=PARENT" or "CHILD.COL=PARENT:COL"; throws salvage::Error naming the text.
    static RestoreRelation parseRelation(const QString &text);
    /// "TABLE (expr, …)"; throws salvage::Error naming the text.
    static DeclaredUnique parseUnique(const QString &text);
    /// "TABLE: CONDITION"; throws salvage::Error naming the text.
    static DeclaredRule parseRule(const QString &text);
    static QString text(const RestoreRelation &relation);
    static QString text(const DeclaredUnique &unique);
    static QString text(const DeclaredRule &rule);

    bool isEmpty() const { return relations.isEmpty() && uniques.isEmpty() && rules.isEmpty(); }
    /// Adds these to what `request` already declares.
    void addTo(RestoreRequest &request) const;
    void saveTo(Workspace &workspace) const;
    /// Throws salvage::Error when the workspace holds a malformed declaration.
    static Declarations loadFrom(const Workspace &workspace);

    bool operator==(const Declarations &other) const;

    /// The table a declaration names; throws salvage::Error naming the declaration when `schema` has none.
    static const Table &tableOf(const Schema &schema, const QString &table, const QString &declaration);
    /// Lets PostgreSQL check a declaration's SQL (a query that reads no row); throws salvage::Error
    /// naming the declaration with the server's message when it does not compile.
    static void checkByServer(const PgRaw &session, const QString &query, const QString &declaration);
};

} // namespace salvage
