#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sem {

// Writes `data` to `path` through QSaveFile: either the whole new file is in place, or the old
// file (if any) is untouched. Throws sem::Error with the path and the reason on failure.
void writeFileAtomic(const std::string& path, const std::vector<std::uint8_t>& data);

// Reads a whole file, refusing files larger than `maxBytes`. Throws sem::Error.
std::vector<std::uint8_t> readFile(const std::string& path, std::uint64_t maxBytes);

}  // namespace sem
