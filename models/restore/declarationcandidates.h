#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>

namespace salvage {

class JobControl;
class PgSession;

/// A declaration the data suggests, offered for one-click acceptance.
struct DeclarationCandidate
{
    enum class Kind { Relation, Unique };
    Kind kind = Kind::Relation;
    QString declaration; ///< as the CLI takes it: "CHILD.COL=PARENT:COL" or "TABLE (col, …)"
    QString evidence; ///< one sentence: what was measured
};

/// Finds candidate declarations empirically on BACKUP: relations (a `*_id` column without a foreign
/// key whose values all exist in another table's key column of a compatible type) and uniqueness
/// (a single text column, or a foreign key column with a text column, holding no duplicate and no
/// NULL, that no unique index covers). Set-wise SQL, reading at most kSampleRows rows of a table.
class DeclarationCandidates
{
public:
    static QList<DeclarationCandidate> find(PgSession &backup, JobControl *control = nullptr);
    static QJsonArray toJson(const QList<DeclarationCandidate> &candidates);
    static QString kindName(DeclarationCandidate::Kind kind); ///< "relation", "unique"

    static constexpr int kSampleRows = 100000;
    /// A table needs this many rows before "no duplicate" says anything.
    static constexpr int kMinimumRows = 10;
};

} // namespace salvage
