#pragma once
#include <ostream>

namespace sem::devbench {

// Measures opening a width x height image file in a real MainWindow (1500x950, shown): a synthetic
// photo (SliderBench's) is written as PNG and as JPEG (quality 92) to a temporary folder, then each
// file is opened `runs` times, alternately
//   - with openImage() on the GUI thread (what a script does; the window cannot react meanwhile),
//   - with openPathAsync() (what the menu, drag and drop and recent files do),
// timing the call -> document shown, -> first edge and hint results applied, and the GUI thread's
// longest stall (StallProbe) over that whole span. Prints a markdown table to `out`; returns 0, or
// 1 if an open failed or never finished.
int runOpenBench(int width, int height, int runs, std::ostream& out);

}  // namespace sem::devbench
