#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sem::diffusion {

// Qt-free file helpers of the engine (core/common's versions go through QSaveFile).
// Reads a whole file, refusing files larger than maxBytes; throws Error naming `what` and the path.
std::vector<std::uint8_t> readWholeFile(const std::string& path, std::uint64_t maxBytes,
                                        const std::string& what);
// Writes to "<path>.tmp" then renames over `path`, so a crash never leaves a half-written file.
void writeFileAtomically(const std::string& path, const std::vector<std::uint8_t>& data,
                         const std::string& what);

}  // namespace sem::diffusion
