#pragma once

#include "restore/undoguard.h"

#include <QDialog>

namespace salvage {

/// Shown when an undo script refused to run because rows changed since its run (UndoGuard): it
/// lists them and offers, besides keeping LIVE as it is (the default), an explicit "undo anyway"
/// that overwrites those rows (accept(); the caller then runs the undo forced).
class UndoRefusedDialog : public QDialog
{
    Q_OBJECT
public:
    UndoRefusedDialog(const UndoGuard::Refusal &refusal, const QString &where, QWidget *parent = nullptr);
};

} // namespace salvage
