#pragma once

#include <QString>
#include <exception>

namespace salvage {

/// Turns what libpq or libpqxx said into one sentence an operator can act on at 2 AM.
/// `where` names the database ("LIVE (app@db1:5432/prod)") and is woven into the sentence.
QString describeConnectFailure(const QString &libpqMessage, const QString &where);

/// The same for an exception thrown while running a job on an open connection.
QString describeDatabaseError(const std::exception &error, const QString &where);

/// SQLSTATE of a pqxx::sql_error, empty for anything else.
QString sqlStateOf(const std::exception &error);

} // namespace salvage
