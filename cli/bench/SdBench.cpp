#include "cli/bench/SdBench.h"

#include <QDir>
#include <QFile>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <vector>
#if defined(__unix__)
#include <sys/resource.h>
#endif

#include "core/common/Error.h"
#include "core/pipeline/Decoder.h"

namespace sem::bench {

namespace {

struct Entry {
    std::string name;
    std::vector<std::int64_t> shape;
};

double peakRssGiB()
{
#if defined(__unix__)
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);
#else
    return -1.0;
#endif
}

// "name<TAB>[d, d]" or "original<TAB>diffusers<TAB>[d, d]": the original name and the shape.
std::vector<Entry> readManifest(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw Error("bench: cannot read the manifest " + path);
    std::vector<Entry> entries;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        Entry e;
        e.name = line.substr(0, line.find('\t'));
        const auto open = line.find('['), close = line.find(']');
        if (open == std::string::npos || close == std::string::npos)
            throw Error("bench: a manifest line without a shape in " + path);
        std::stringstream dims(line.substr(open + 1, close - open - 1));
        std::string d;
        while (std::getline(dims, d, ','))
            e.shape.push_back(std::stoll(d));
        entries.push_back(std::move(e));
    }
    return entries;
}

std::uint16_t toHalf(float f)
{
    // Values here are small and normal: round-to-nearest on the mantissa is enough.
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    const std::uint32_t sign = (u >> 16) & 0x8000u;
    const int exponent = static_cast<int>((u >> 23) & 0xff) - 127 + 15;
    if (exponent <= 0)
        return static_cast<std::uint16_t>(sign);
    if (exponent >= 31)
        return static_cast<std::uint16_t>(sign | 0x7bffu);
    const std::uint32_t mantissa = (u >> 13) & 0x3ffu;
    return static_cast<std::uint16_t>(sign | (static_cast<std::uint32_t>(exponent) << 10) | mantissa);
}

// An fp16 safetensors file of random tensors (norm weights 1, biases 0, others N(0, 1/fan_in)),
// streamed: never more than one tensor in memory.
std::uint64_t writeRandomCheckpoint(const std::string& path, const std::vector<Entry>& entries)
{
    nlohmann::json header = nlohmann::json::object();
    header["__metadata__"] = {{"format", "pt"}};
    std::uint64_t offset = 0;
    for (const Entry& e : entries) {
        std::uint64_t n = 1;
        for (const auto d : e.shape)
            n *= static_cast<std::uint64_t>(d);
        header[e.name] = {{"dtype", "F16"}, {"shape", e.shape}, {"data_offsets", {offset, offset + 2 * n}}};
        offset += 2 * n;
    }
    std::string text = header.dump();
    while (text.size() % 8)
        text.push_back(' ');
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error("bench: cannot write " + path);
    const std::uint64_t length = text.size();
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>((length >> (8 * i)) & 0xff));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    std::mt19937 rng(1234);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (const Entry& e : entries) {
        std::uint64_t n = 1, fanIn = 1;
        for (std::size_t i = 0; i < e.shape.size(); ++i) {
            n *= static_cast<std::uint64_t>(e.shape[i]);
            if (i > 0)
                fanIn *= static_cast<std::uint64_t>(e.shape[i]);
        }
        const bool vector = e.shape.size() <= 1;
        const bool normWeight = vector && e.name.find("norm") != std::string::npos && e.name.size() > 7
            && e.name.compare(e.name.size() - 7, 7, ".weight") == 0;
        const float sigma = 1.0f / std::sqrt(static_cast<float>(fanIn));
        std::vector<std::uint16_t> values(static_cast<std::size_t>(n));
        for (auto& v : values)
            v = toHalf(vector ? (normWeight ? 1.0f : 0.0f) : normal(rng) * sigma);
        out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(2 * n));
    }
    if (!out)
        throw Error("bench: writing " + path + " failed (disk full?)");
    return 8 + text.size() + offset;
}

}  // namespace

int runSdBench(const std::string& manifestDir, const std::string& workDir, const std::string& device, int steps,
               std::ostream& out)
{
    using Clock = std::chrono::steady_clock;
    QDir().mkpath(QString::fromStdString(workDir));
    const std::string m = manifestDir + "/";
    std::vector<Entry> base = readManifest(m + "sd15_singlefile_clip_vae_original.txt");
    for (Entry& e : readManifest(m + "sd15_unet_original_to_diffusers.txt"))
        base.push_back(std::move(e));
    const std::vector<Entry> control = readManifest(m + "controlnet_original_to_diffusers.txt");
    auto t0 = Clock::now();
    const std::string basePath = workDir + "/sd15-random-fp16.safetensors";
    const std::string controlPath = workDir + "/control-random-fp16.safetensors";
    const std::uint64_t baseBytes = writeRandomCheckpoint(basePath, base);
    const std::uint64_t controlBytes = writeRandomCheckpoint(controlPath, control);
    const double writeSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const std::string setPath = workDir + "/sd15-random.json";
    std::ofstream(setPath) << nlohmann::json{{"family", "sd1"}, {"name", "SD 1.5 + Canny (random)"},
                                              {"base", basePath}, {"controlnet", controlPath}}.dump();

    out << std::fixed << std::setprecision(2) << "Stable Diffusion 1.5 + ControlNet v1.1, random weights: "
        << base.size() << " tensors, " << baseBytes / 1e9 << " GB fp16 single file; ControlNet " << control.size()
        << " tensors, " << controlBytes / 1e9 << " GB (written in " << writeSeconds << " s).\n" << std::endl;
    t0 = Clock::now();
    Decoder decoder(setPath, device);
    const double loadSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
    out << "| what | value |\n|---|---:|\n| load (model set -> CPU float32, " << decoder.parameterCount() / 1e6
        << " M parameters) | " << loadSeconds << " s |\n| peak RSS after loading | " << peakRssGiB() << " GiB |"
        << std::endl;
    for (const auto& [w, h] : {std::pair<int, int>{512, 512}, std::pair<int, int>{768, 512}}) {
        DecodeRequest r;
        r.steps = steps;
        r.sampler = DecodeSettings::DpmPp2M;
        r.guidance = 7.5f;
        r.workSize = std::max(w, h);
        r.controlImage = cv::Mat(h, w, CV_8UC1, cv::Scalar(0));
        cv::line(r.controlImage, {0, 0}, {w - 1, h - 1}, cv::Scalar(255));
        cv::circle(r.controlImage, {w / 2, h / 2}, h / 4, cv::Scalar(255));
        std::vector<double> at;
        const DecodeOutcome o = decoder.generate("a photo of a red car on a street", w, h, r,
                                                 [&](const DecodeProgress& p) { at.push_back(p.elapsedSeconds); });
        const double perStep = at.size() >= static_cast<std::size_t>(steps) && steps > 1
            ? (at[static_cast<std::size_t>(steps - 1)] - at[0]) / (steps - 1)
            : o.seconds / steps;
        out << "| " << w << "x" << h << ": seconds per guided step (ControlNet + UNet, batch 2) | " << perStep
            << " s |\n| " << w << "x" << h << ": whole decode, " << steps << " steps + VAE | " << o.seconds << " s |\n"
            << "| peak RSS after " << w << "x" << h << " | " << peakRssGiB() << " GiB |" << std::endl;
    }
    QFile::remove(QString::fromStdString(basePath));
    QFile::remove(QString::fromStdString(controlPath));
    QFile::remove(QString::fromStdString(setPath));
    return 0;
}

}  // namespace sem::bench
