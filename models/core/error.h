#pragma once

#include <QString>
#include <exception>

namespace salvage {

/// An error meant for the operator: one clear sentence, safe to show in the UI or on stderr.
class Error : public std::exception
{
public:
    explicit Error(QString message)
        : m_message(std::move(message))
        , m_utf8(m_message.toUtf8())
    {
    }
    const QString &message() const noexcept { return m_message; }
    const char *what() const noexcept override { return m_utf8.constData(); }

private:
    QString m_message;
    QByteArray m_utf8;
};

/// Thrown when the operator (or a newer request) cancelled the work in progress.
class Cancelled : public Error
{
public:
    Cancelled()
        : Error(QStringLiteral("Cancelled."))
    {
    }
};

} // namespace salvage
