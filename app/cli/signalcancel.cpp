#include "signalcancel.h"

#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace salvage::cli {

namespace {

int s_pipe[2] = { -1, -1 };
std::atomic<int> s_received { 0 };
struct sigaction s_previous[2];
constexpr int kSignals[2] = { SIGINT, SIGTERM };

void onSignal(int number)
{
    s_received.store(number);
    const char byte = 'c';
    [[maybe_unused]] const ssize_t written = ::write(s_pipe[1], &byte, 1);
}

} // namespace

SignalCancel::SignalCancel(std::function<void()> cancel)
    : m_cancel(std::move(cancel))
{
    if (::pipe2(s_pipe, O_CLOEXEC) != 0)
        return; // signals keep their default action
    s_received.store(0);
    m_watcher = std::thread([this] {
        char byte = 0;
        while (::read(s_pipe[0], &byte, 1) == 1 && byte == 'c')
            m_cancel();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    action.sa_flags = SA_RESETHAND | SA_RESTART; // the second signal takes the default action
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < 2; ++i)
        ::sigaction(kSignals[i], &action, &s_previous[i]);
}

SignalCancel::~SignalCancel()
{
    if (!m_watcher.joinable())
        return;
    for (int i = 0; i < 2; ++i)
        ::sigaction(kSignals[i], &s_previous[i], nullptr);
    const char quit = 'q';
    [[maybe_unused]] const ssize_t written = ::write(s_pipe[1], &quit, 1);
    m_watcher.join();
    ::close(s_pipe[0]);
    ::close(s_pipe[1]);
}

int SignalCancel::received() const
{
    return s_received.load();
}

} // namespace salvage::cli
