#pragma once

namespace KSyntaxHighlighting {
class Repository;
}

namespace salvage {

/// The one KSyntaxHighlighting repository of the process (loading its definitions is not free);
/// GUI thread only.
KSyntaxHighlighting::Repository &syntaxRepository();

} // namespace salvage
