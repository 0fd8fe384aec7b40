#pragma once
#include <ostream>
#include <string>

namespace sem::bench {

// `semc bench --fit-edge-contexts DATA [--tables OUT.cpp]`: fits the edge coder's context tables
// (ContextCoder::fit, one per scale) on the edge maps of the TRAINING split of prepared shards
// (`semc train --prepare-only`), at the encoder's blur and several thresholds, and reports, on the
// validation split, the mean edge-stream bytes of JBIG profile 0, of the context profile with the
// compiled-in tables and with the fitted ones (markdown). With --tables, also writes the fitted
// tables as core/edges/EdgeContextTables.cpp source. Returns 0.
int runEdgeContextFit(const std::string& dataDir, const std::string& tablesOut, std::ostream& out);

}  // namespace sem::bench
