#pragma once
#include "core/edges/ContextCoder.h"

namespace sem {

// The trained initial context states of the edge stream's context profile (EdgeCodec, profile 4),
// one table per edge scale 1/1, 1/2, 1/4, 1/8. They are part of the .sem format: a file coded with
// them decodes only with exactly these tables, so they never change (a refit is a new profile).
// Fitted on the training split of the prepared data by
//   semc bench --fit-edge-contexts run/data --tables core/edges/EdgeContextTables.cpp
// (cli/bench/EdgeContextFit.cpp; docs/bench/edges.md).
// Throws sem::Error for a scale denominator other than 1, 2, 4 or 8.
const ContextCoder::Table& edgeContextTable(int scaleDenominator);

}  // namespace sem
