#include "syntaxrepository.h"

#include <KSyntaxHighlighting/Repository>

namespace salvage {

KSyntaxHighlighting::Repository &syntaxRepository()
{
    static KSyntaxHighlighting::Repository repository;
    return repository;
}

} // namespace salvage
