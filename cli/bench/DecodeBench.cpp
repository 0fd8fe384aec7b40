#include "cli/bench/DecodeBench.h"

#include <cstdio>
#include <exception>
#include <thread>

#include "diffusion/Engine.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#endif

namespace sem::bench {

namespace {

using namespace sem::diffusion;

// Peak resident set size of this process in MiB, or -1 where getrusage is unavailable.
double peakRssMiB() {
#if defined(__APPLE__)
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // bytes on macOS
#elif defined(__unix__)
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
#else
    return -1.0;
#endif
}

// Synthetic but realistic conditions: a 1/4-scale edge map with lines, a smooth hint, a caption.
Conditions syntheticConditions(int width, int height) {
    Conditions c;
    c.width = width;
    c.height = height;
    c.scaleDenominator = 4;
    c.mapWidth = (width + 3) / 4;
    c.mapHeight = (height + 3) / 4;
    c.edges.assign(static_cast<std::size_t>(c.mapWidth) * static_cast<std::size_t>(c.mapHeight), 0);
    for (int y = 0; y < c.mapHeight; ++y)
        for (int x = 0; x < c.mapWidth; ++x)
            if (x % 17 == 0 || y % 23 == 0 || (x + y) % 41 == 0)
                c.edges[static_cast<std::size_t>(y * c.mapWidth + x)] = 255;
    ImageRgb hint;
    hint.width = width;
    hint.height = height;
    hint.rgb.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            auto* p = &hint.rgb[static_cast<std::size_t>((y * width + x) * 3)];
            p[0] = static_cast<std::uint8_t>(255 * x / width);
            p[1] = static_cast<std::uint8_t>(255 * y / height);
            p[2] = 128;
        }
    c.hint = hint;
    c.caption = "a red car parked in front of a white house under a blue sky";
    return c;
}

double secondsFor(Engine& engine, int width, int height, SamplerSettings settings) {
    engine.decode(syntheticConditions(width, height), settings);
    return engine.lastStats().seconds;
}

}  // namespace

int runDecodeBench(const std::string& modelPath, const std::string& device, std::ostream& out) {
    try {
        Engine engine;
        if (modelPath.empty()) {
            ModelCard card;
            card.config = defaultModelConfig();
            engine.createRandom(card, 0, device);
        } else {
            engine.load(modelPath, device);
        }
        const ModelConfig& cfg = engine.card().config;
        char line[256];
        out << "# Decode benchmark\n\n";
        out << "- model: " << (modelPath.empty() ? "default architecture, random weights" : modelPath)
            << ", id " << engine.modelId() << "\n";
        std::snprintf(line, sizeof line, "- parameters: %lld (%.1f MB as float32)\n",
                      static_cast<long long>(engine.parameterCount()),
                      static_cast<double>(engine.parameterCount()) * 4.0 / 1e6);
        out << line;
        out << "- architecture: unshuffle " << cfg.unshuffle << ", channels";
        for (const int c : cfg.channels)
            out << ' ' << c;
        out << ", text " << cfg.textLayers << "x" << cfg.textWidth << "\n";
        out << "- device: " << engine.deviceName() << ", hardware threads: " << std::thread::hardware_concurrency()
            << "\n\n";

        SamplerSettings base;  // defaults: DPM-Solver++(2M), guidance 2 (two passes, batched)
        base.seed = 1;
        SamplerSettings warm = base;
        warm.steps = 1;
        secondsFor(engine, 64, 64, warm);  // warm-up: allocator, thread pool

        const int steps = 3;
        out << "| size | s/step, guidance " << base.guidance << " (batch 2) | s/step, guidance 1 | peak RSS so far (MiB) |\n";
        out << "|---|---|---|---|\n";
        const int sizes[][2] = {{256, 256}, {512, 512}, {768, 512}, {1024, 1024}};
        for (const auto& size : sizes) {
            SamplerSettings guided = base;
            guided.steps = steps;
            SamplerSettings plain = guided;
            plain.guidance = 1.0f;
            const double g = secondsFor(engine, size[0], size[1], guided) / steps;
            const double p = secondsFor(engine, size[0], size[1], plain) / steps;
            std::snprintf(line, sizeof line, "| %dx%d | %.3f | %.3f | %.0f |\n", size[0], size[1], g, p, peakRssMiB());
            out << line << std::flush;
        }

        SamplerSettings full = base;
        full.steps = 20;
        const double fullGuided = secondsFor(engine, 768, 512, full);
        full.guidance = 1.0f;
        const double fullPlain = secondsFor(engine, 768, 512, full);
        SamplerSettings fidelity = base;
        fidelity.fidelity = true;
        const double fidelitySeconds = secondsFor(engine, 768, 512, fidelity);
        std::snprintf(line, sizeof line,
                      "\n- 768x512, 20 steps DPM-Solver++(2M): %.2f s with guidance %.1f, %.2f s with guidance 1\n",
                      fullGuided, static_cast<double>(base.guidance), fullPlain);
        out << line;
        std::snprintf(line, sizeof line, "- 768x512 fidelity (one evaluation, guidance %.1f): %.2f s\n",
                      static_cast<double>(base.guidance), fidelitySeconds);
        out << line;
        std::snprintf(line, sizeof line, "- peak RSS of the whole run: %.0f MiB\n", peakRssMiB());
        out << line;
        return 0;
    } catch (const std::exception& e) {
        out << "decode benchmark failed: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace sem::bench
