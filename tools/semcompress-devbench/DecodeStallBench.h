#pragma once
#include <QString>
#include <ostream>

namespace sem::devbench {

// Writes a decoder model with random (untrained) weights into `directory` (the default
// architecture, or the tiny test one) and returns its path; throws sem::Error. For benchmarks and
// screenshots when no trained model is at hand: its reconstructions are noise-like, not images.
QString writeRandomModel(const QString& directory, bool tiny);

// Measures the GUI thread during a decode in a real MainWindow: a synthetic width x height
// photo, `steps` steps of DPM-Solver++(2M) with a preview every `previewEvery` steps, on `device`,
// with the model at `modelPath` (empty: a random default-architecture model in a temporary folder).
// Prints the longest GUI-thread stall (largest gap of a 5 ms QTimer, minus 5 ms) during the decode
// and during the same time idle, as markdown. Returns 0, or 1 when the decode failed.
int runDecodeStallBench(int width, int height, int steps, int previewEvery, const QString& modelPath,
                        const QString& device, std::ostream& out);

}  // namespace sem::devbench
