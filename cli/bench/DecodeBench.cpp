#include "cli/bench/DecodeBench.h"

#include <cstdio>
#include <exception>
#include <thread>

#include "diffusion/builtin/BuiltinEngine.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#endif

namespace sem::bench {

namespace {

using diffusion::BuiltinEngine;
using diffusion::Conditions;
using diffusion::defaultModelConfig;
using diffusion::ImageRgb;
using diffusion::ModelCard;
using diffusion::ModelConfig;
using diffusion::SamplerSettings;

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

// CPU seconds (user + system) consumed by this process so far, or -1 where unavailable.
double cpuSeconds() {
#if defined(__unix__) || defined(__APPLE__)
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
#else
    return -1.0;
#endif
}

// The 1-minute load average (Linux), to judge how contended the machine was; -1 elsewhere.
double loadAverage() {
    double load = -1.0;
#if defined(__linux__)
    if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf", &load) != 1)
            load = -1.0;
        std::fclose(f);
    }
#endif
    return load;
}

struct Timing {
    double wall = 0, cpu = 0;
};

// The fastest of `repeats` decodes (the machine this runs on is often shared: the minimum is the
// least disturbed run).
Timing timeDecode(BuiltinEngine& engine, int width, int height, const SamplerSettings& settings, int repeats) {
    const Conditions conditions = syntheticConditions(width, height);
    Timing best;
    for (int r = 0; r < repeats; ++r) {
        const double cpuBefore = cpuSeconds();
        engine.decode(conditions, settings);
        const Timing t{engine.lastStats().seconds, cpuSeconds() - cpuBefore};
        if (r == 0 || t.wall < best.wall)
            best = t;
    }
    return best;
}

}  // namespace

int runDecodeBench(const std::string& modelPath, const std::string& device, std::ostream& out) {
    try {
        BuiltinEngine engine;
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
        timeDecode(engine, 64, 64, warm, 1);  // warm-up: allocator, thread pool

        const int steps = 3;
        out << "Wall seconds per step, best of 3 runs of " << steps << " steps after a warm-up run of the same\n"
               "shape (CPU seconds per step of the process in brackets). 1-minute load average at the start: "
            << loadAverage() << "\n\n";
        out << "| size | s/step, guidance " << base.guidance << " (batch 2) | s/step, guidance 1 | peak RSS so far (MiB) |\n";
        out << "|---|---|---|---|\n";
        const int sizes[][2] = {{256, 256}, {512, 512}, {768, 512}, {1024, 1024}};
        for (const auto& size : sizes) {
            SamplerSettings guided = base;
            guided.steps = steps;
            SamplerSettings plain = guided;
            plain.guidance = 1.0f;
            timeDecode(engine, size[0], size[1], guided, 1);  // warm-up of this shape (oneDNN primitives)
            const Timing g = timeDecode(engine, size[0], size[1], guided, 3);
            timeDecode(engine, size[0], size[1], plain, 1);
            const Timing p = timeDecode(engine, size[0], size[1], plain, 3);
            std::snprintf(line, sizeof line, "| %dx%d | %.3f (%.3f) | %.3f (%.3f) | %.0f |\n", size[0], size[1],
                          g.wall / steps, g.cpu / steps, p.wall / steps, p.cpu / steps, peakRssMiB());
            out << line << std::flush;
        }

        SamplerSettings full = base;
        full.steps = 20;
        const Timing fullGuided = timeDecode(engine, 768, 512, full, 2);
        full.guidance = 1.0f;
        const Timing fullPlain = timeDecode(engine, 768, 512, full, 2);
        SamplerSettings partial = base;
        partial.steps = 20;
        partial.strength = 0.35f;  // the decoder's default for files without settings
        const Timing partialGuided = timeDecode(engine, 768, 512, partial, 2);
        SamplerSettings fidelity = base;
        fidelity.fidelity = true;
        const Timing fidelityTime = timeDecode(engine, 768, 512, fidelity, 3);
        std::snprintf(line, sizeof line,
                      "\n- 768x512, 20 steps DPM-Solver++(2M), best of 2: %.2f s (CPU %.2f s) with guidance %.1f, "
                      "%.2f s (CPU %.2f s) with guidance 1\n",
                      fullGuided.wall, fullGuided.cpu, static_cast<double>(base.guidance), fullPlain.wall, fullPlain.cpu);
        out << line;
        std::snprintf(line, sizeof line,
                      "- 768x512, 20 steps at strength 0.35 (1 + 7 evaluations), guidance %.1f, best of 2: %.2f s "
                      "(CPU %.2f s)\n",
                      static_cast<double>(base.guidance), partialGuided.wall, partialGuided.cpu);
        out << line;
        std::snprintf(line, sizeof line, "- 768x512 fidelity (one unguided evaluation), best of 3: %.2f s (CPU %.2f s)\n",
                      fidelityTime.wall, fidelityTime.cpu);
        out << line;
        std::snprintf(line, sizeof line, "- peak RSS of the whole run: %.0f MiB; 1-minute load average at the end: %.2f\n",
                      peakRssMiB(), loadAverage());
        out << line;
        return 0;
    } catch (const std::exception& e) {
        out << "decode benchmark failed: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace sem::bench
