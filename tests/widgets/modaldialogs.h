#pragma once

// Answers the modal dialogs a GUI test's clicks open: their exec() blocks the click until then.
#include <QApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>

#include <functional>

namespace salvage::test {

/// Acts on the next modal dialog of type T once it is shown.
template <typename T> void onNextModal(std::function<void(T *)> act)
{
    auto *timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, act] {
        if (auto *dialog = qobject_cast<T *>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            act(dialog);
        }
    });
    timer->start();
}

/// Answers the next message box with `answer`.
inline void answerNextMessageBox(QMessageBox::StandardButton answer)
{
    onNextModal<QMessageBox>([answer](QMessageBox *box) { box->button(answer)->click(); });
}

/// Answers the next confirmation (Run, Undo) with Yes.
inline void confirmNextMessageBox()
{
    answerNextMessageBox(QMessageBox::Yes);
}

} // namespace salvage::test
