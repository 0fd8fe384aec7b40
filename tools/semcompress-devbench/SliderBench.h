#pragma once
#include <ostream>

namespace sem::devbench {

// Measures the live edge slider in a real MainWindow on a synthetic width x height image, for
// each edge-map scale in {1/4, 1}: (a) `moves` single low-threshold moves, each timed from the
// slider's setValue() to the applied result (edge bytes in the rate panel, overlay repainted);
// (b) a drag of 60 moves at 60 Hz: extractions actually run, time from the last move to its
// result, and the longest stall of the GUI thread (gap between ticks of a 5 ms timer), next to
// the same probe over 60 frames with the slider still (the machine's noise floor).
// Prints a markdown report to `out`; returns 0, or 1 if a result never arrived.
int runSliderBench(int width, int height, int moves, std::ostream& out);

}  // namespace sem::devbench
