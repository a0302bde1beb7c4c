#include "reportentry.h"

using namespace Qt::StringLiterals;

namespace salvage {

QString ReportEntry::standaloneMessage() const
{
    QString text = message.trimmed();
    QStringList others;
    for (const LogKey &key : keys) {
        if (key.value.isEmpty() || text.contains(key.value))
            continue;
        // The class says what ran: it leads the sentence, the rest says to what.
        if (key.kind == "class"_L1)
            text = text.isEmpty() ? key.value : key.value + u' ' + text;
        else if (!others.contains(key.kind + u'=' + key.value))
            others.append(key.kind + u'=' + key.value);
    }
    if (!others.isEmpty())
        text += (text.isEmpty() ? u"("_s : u" ("_s) + others.join(u", "_s) + u')';
    return text;
}

} // namespace salvage
