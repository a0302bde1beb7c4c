// Feeds arbitrary bytes to the restore script reader. It must never crash, and what it returns
// must be safe to send: each statement reads as exactly one statement on its own, none is
// transaction control, a COPY item is a COPY, lines are inside the script; a refusal names a
// line of the script (never line 0).
#include "core/error.h"
#include "restore/scriptparser.h"
#include "restore/sqlgrammar.h"

#include <QRegularExpression>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace salvage;

namespace {

[[noreturn]] void broken(const char *what, const QString &detail)
{
    std::fprintf(stderr, "invariant broken: %s: %s\n", what, qPrintable(detail));
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray script(reinterpret_cast<const char *>(data), qsizetype(size));
    const int lines = int(script.count('\n')) + 1;
    QList<ScriptItem> items;
    try {
        items = ScriptParser::parse(script);
    } catch (const Error &error) {
        static const QRegularExpression line(QStringLiteral("^Line (\\d+): "));
        const auto match = line.match(error.message());
        if (!match.hasMatch())
            broken("a refusal without its line", error.message());
        const int number = match.captured(1).toInt();
        if (number < 1 || number > lines)
            broken("a refusal names a line outside the script", error.message());
        return 0;
    }
    for (const ScriptItem &item : items) {
        const GrammarResult alone = SqlGrammar::parse(item.sql.toUtf8());
        if (!alone.error.isEmpty() || alone.statements.size() != 1)
            broken("an item is not exactly one statement", item.sql);
        const QString &type = alone.statements.first().type;
        if (type == QLatin1String("TransactionStmt"))
            broken("transaction control was returned", item.sql);
        if (type != item.type)
            broken("an item's type differs from its text's", item.sql);
        if (item.isCopy != (type == QLatin1String("CopyStmt")))
            broken("COPY data on a statement that is no COPY (or the reverse)", item.sql);
        if (!item.isCopy && !item.copyData.isEmpty())
            broken("COPY data on a statement that is no COPY", item.sql);
        if (item.line < 1 || item.line > lines)
            broken("a line outside the script", item.sql);
    }
    return 0;
}
