// Feeds arbitrary bytes to the workspace reader: the JSON document Workspace::load() reads, then
// Workspace::fromJson(). No crash, no UB; and what save() writes (in memory), loaded and saved
// again, is written the same: a saved workspace is stable from the first save on (a malformed
// conninfo included: it is saved without any secret, never as `password=***`).
#include "workspace/workspace.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace salvage;

namespace {

[[noreturn]] void broken(const char *what, const QByteArray &first, const QByteArray &second)
{
    std::fprintf(
        stderr, "invariant broken: %s\n  first:  %s\n  second: %s\n", what, first.constData(), second.constData());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return 0;
    const QByteArray first
        = QJsonDocument(Workspace::fromJson(document.object()).toJson()).toJson(QJsonDocument::Indented);
    const auto roundTrip = [&](const QByteArray &file) {
        const QJsonDocument reread = QJsonDocument::fromJson(file, &error);
        if (error.error != QJsonParseError::NoError || !reread.isObject())
            broken("a saved workspace is not JSON", bytes, file);
        return QJsonDocument(Workspace::fromJson(reread.object()).toJson()).toJson(QJsonDocument::Indented);
    };
    const QByteArray second = roundTrip(first);
    if (second != first)
        broken("a saved workspace changed when loaded and saved again", first, second);
    return 0;
}
