#include "demosql.h"

#include "core/error.h"
#include "db/dberror.h"

namespace salvage {

void DemoSql::script(const QString &step, const QString &statements)
{
    try {
        m_session.exec(statements);
    } catch (const std::exception &error) {
        fail(step, error);
    }
}

qint64 DemoSql::scalar(const QString &step, const QString &statement)
{
    const pqxx::result result = run(step, statement);
    return result.empty() || result[0][0].is_null() ? 0 : result[0][0].as<qint64>();
}

void DemoSql::fail(const QString &step, const std::exception &error)
{
    throw Error(QStringLiteral("Demo (%1): %2").arg(step, describeDatabaseError(error, m_session.where())));
}

} // namespace salvage
