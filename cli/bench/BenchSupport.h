#pragma once
// What several benches share: elapsed milliseconds, the median of timings and a file's name in a report.

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace sem::bench {

using BenchClock = std::chrono::steady_clock;

// Milliseconds since `start` on the steady clock.
inline double msSince(BenchClock::time_point start)
{
    return std::chrono::duration<double, std::milli>(BenchClock::now() - start).count();
}

// The upper median of `v` (the middle value after sorting; 0 when empty).
inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// The last component of a path ('/' or '\' separated).
inline std::string baseName(const std::string& path)
{
    const std::size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace sem::bench
