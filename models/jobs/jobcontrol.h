#pragma once

#include <QString>
#include <atomic>
#include <functional>

namespace salvage {

/// The handle a running job uses to learn it was cancelled and to report progress.
/// Cancel may be requested from any thread; progress goes to whoever set the sink.
class JobControl
{
public:
    using ProgressSink = std::function<void(qint64 done, qint64 total, const QString &status)>;

    JobControl() = default;
    explicit JobControl(ProgressSink sink)
        : m_sink(std::move(sink))
    {
    }

    void requestCancel() noexcept { m_cancelled.store(true); }
    bool isCancelled() const noexcept { return m_cancelled.load(); }
    /// The flag itself, for loops that poll an atomic (Timeline::build, CorrelationPass).
    const std::atomic_bool *cancelFlag() const noexcept { return &m_cancelled; }
    /// Throws salvage::Cancelled when cancel was requested.
    void throwIfCancelled() const;

    /// `total` < 0 means unknown. Cheap enough to call per batch, not per row.
    void setProgress(qint64 done, qint64 total, const QString &status = {});

private:
    std::atomic_bool m_cancelled { false };
    ProgressSink m_sink;
};

/// Numbers the requests of one kind so that a result that arrives after a newer request was made
/// can be recognised and dropped.
class Generation
{
public:
    quint64 next() { return ++m_current; }
    bool isCurrent(quint64 generation) const { return generation == m_current; }
    quint64 current() const { return m_current; }

private:
    quint64 m_current = 0;
};

} // namespace salvage
