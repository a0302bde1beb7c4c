#pragma once

#include <QString>
#include <functional>

class QProcess;

namespace salvage {

class JobControl;
struct ProcessRequest;

/// Waits for a started `process`, every 100 ms calling `onPoll` (e.g. to read what it printed) and
/// checking for cancel: then the process is killed and Cancelled thrown. `onPoll` runs once more
/// when the process has ended.
void waitCancellable(QProcess &process, JobControl &control, const std::function<void()> &onPoll = {});

/// Runs a program to completion (as request.runAsUser when root), polling for cancel: copies and
/// restores of large backups take minutes. Throws salvage::Error "Could not WHAT: output" or Cancelled.
void runCancellable(const ProcessRequest &request, JobControl &control, const QString &what);

} // namespace salvage
