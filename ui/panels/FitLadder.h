#pragma once
#include <QString>
#include <cstddef>

#include "core/pipeline/ModelLadder.h"
#include "core/pipeline/OperatingPoint.h"

namespace sem::ui {

// What "Fit to size" chose (MainWindow::requestFit -> applyFit): the rung of the decode model's
// ladder, the settings encoded (the rung, its hint quality raised to fill the budget) and which ladder.
struct FitChoice {
    int rung = -1;
    std::size_t of = 0;
    OperatingPoint point;
    int rungQuality = -1;  // the rung's own hint quality when point's was raised, else -1
    std::size_t bytes = 0;
    QString ladder;        // ModelLadder::describe(): which file, or that the built-in model's is used
    bool firstUse = false; // the first-use fit to the default target (dropped when the user changed the rate meanwhile)

    // "Operating point 7 of 13 (8:8q27:400): 463 bytes, ..." and the ladder line.
    QString text() const;
};

// The ladder of the decode model (Decode panel's model path; empty: the built-in model), or the
// built-in model's when that model has none (ModelLadder::forModel). Throws sem::Error naming a bad
// ladder file.
ModelLadder fitLadder(const QString& modelPath);

}  // namespace sem::ui
