#include "cli/DecodeSupport.h"

#include <QDir>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>
#ifdef _WIN32
#include <io.h>  // _isatty, _fileno
#else
#include <unistd.h>  // isatty
#endif

#include "cli/LatentsFile.h"
#include "cli/Options.h"
#include "cli/Report.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"

namespace sem::cli {
namespace {

std::atomic<bool> g_interrupted{false};
using Handler = void (*)(int);
Handler g_previous = SIG_DFL;

extern "C" void onInterrupt(int)
{
    g_interrupted.store(true);
}

}  // namespace

void DecodeSupport::addOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {"model", "Decoder model: the built-in model's directory (model.safetensors + model.json; default: the "
                  "installed model), or a Stable Diffusion 1.x model: a diffusers folder, a single-file checkpoint "
                  "(.safetensors) or a model set (.json naming base, controlnet, vae, tokenizer, scheduler).",
         "PATH"},
        {"controlnet", "Stable Diffusion: a Canny ControlNet (diffusers folder or single file, e.g. "
                       "control_v11p_sd15_canny.safetensors) that the edge map drives.", "PATH"},
        {"control-scale", "Stable Diffusion: ControlNet scale 0..5 (default: as recorded, else 1).", "F"},
        {"negative", "Stable Diffusion: the negative prompt of guidance (default empty; not recorded).", "TEXT"},
        {"work-size", "Stable Diffusion: the longest side of the size the model decodes at, 64..2048 (default: as "
                      "recorded, else 768); the result is resized to the image's size.", "PX"},
        {"colour-fix", "Stable Diffusion: on or off: take the output's low frequencies (colours) from the colour "
                       "hint (default: as recorded, else on).", "on|off"},
        {"karras", "Stable Diffusion: on or off: Karras sigmas for dpmpp2m and euler (default: as recorded, else on).",
         "on|off"},
        {"latents", "Stable Diffusion: the starting latent noise, a .safetensors file with one tensor "
                    "1x4xH/8xW/8 at the working size (to reproduce a decode of another implementation).", "FILE"},
        {"steps", "Sampler steps 1..1000 (default: as recorded in the file, else 20).", "N"},
        {"sampler", "ddpm, ddim, dpmpp2m (built-in model), ddim, euler, euler_a, dpmpp2m (Stable Diffusion) "
                    "(default: as recorded, else dpmpp2m).", "S"},
        {"eta", "DDIM eta 0..1.", "E"},
        {"guidance", "Classifier-free guidance 0..30 of sampled decodes (1 = none).", "G"},
        {"seed", "Noise seed 0..4294967295.", "S"},
        {"device", "auto, cpu or cuda (default auto).", "D", "auto"},
        {"memory-limit", "The most memory the decode may take, in GB (default: three quarters of this machine's "
                         "memory). The built-in model tiles to fit; a decode that cannot fit is refused at once.",
         "GB"},
        {"strength", "Sampled decodes: 1 redraws from pure noise; less starts from the first step's prediction (the "
                     "fidelity decode at guidance 1) and redraws that share of the steps: closer to the fidelity "
                     "decode, less mottled, faster (default: as recorded, else 0.35).", "F"},
        {"fidelity", "One-step x0 decode, unguided: maximum PSNR, less detail."},
        {"force", "Decode even if the file was made for another model."},
        {"preview-dir", "Write the predicted image every K steps into this folder.", "D"},
        {"preview-every", "Preview interval K in steps (default 5).", "K", "5"},
    });
}

DecodeRequest DecodeSupport::request(const QCommandLineParser& p)
{
    DecodeRequest r;
    if (p.isSet("steps"))
        r.steps = static_cast<int>(Options::toInt(p, "steps", 1, 1000));
    if (p.isSet("sampler")) {
        const QString s = p.value("sampler");
        if (s == "ddpm")
            r.sampler = DecodeSettings::Ddpm;
        else if (s == "ddim")
            r.sampler = DecodeSettings::Ddim;
        else if (s == "dpmpp2m")
            r.sampler = DecodeSettings::DpmPp2M;
        else if (s == "euler")
            r.sampler = DecodeSettings::Euler;
        else if (s == "euler_a")
            r.sampler = DecodeSettings::EulerAncestral;
        else
            throw Error("invalid value for --sampler: '" + s.toStdString() +
                        "' (expected ddpm, ddim, dpmpp2m, euler or euler_a)");
    }
    auto onOff = [&](const char* name) {
        const QString v = p.value(name);
        if (v != "on" && v != "off")
            throw Error(std::string("invalid value for --") + name + ": '" + v.toStdString() + "' (expected on or off)");
        return v == "on";
    };
    if (p.isSet("control-scale"))
        r.controlScale = static_cast<float>(Options::toDouble(p, "control-scale", 0, 5));
    if (p.isSet("work-size"))
        r.workSize = static_cast<int>(Options::toInt(p, "work-size", 64, 2048));
    if (p.isSet("colour-fix"))
        r.colourFix = onOff("colour-fix");
    if (p.isSet("karras"))
        r.karras = onOff("karras");
    r.negativePrompt = p.value("negative").toStdString();
    if (p.isSet("latents"))
        r.initialLatents = LatentsFile::read(p.value("latents").toStdString());
    if (p.isSet("eta"))
        r.eta = static_cast<float>(Options::toDouble(p, "eta", 0, 1));
    if (p.isSet("guidance"))
        r.guidance = static_cast<float>(Options::toDouble(p, "guidance", 0, 30));
    if (p.isSet("seed"))
        r.seed = static_cast<std::uint32_t>(Options::toInt(p, "seed", 0, 4294967295LL));
    if (p.isSet("strength"))
        r.strength = static_cast<float>(Options::toDouble(p, "strength", 0.01, 1));
    if (p.isSet("memory-limit"))
        r.memoryLimitBytes = static_cast<std::uint64_t>(Options::toDouble(p, "memory-limit", 0.001, 1 << 20) * 1e9);
    r.fidelity = p.isSet("fidelity");
    r.force = p.isSet("force");
    r.previewEvery = static_cast<int>(Options::toInt(p, "preview-every", 1, 1000));
    return r;
}

std::string DecodeSupport::modelPath(const QCommandLineParser& p)
{
    return p.value("model").toStdString();
}

std::string DecodeSupport::controlnetPath(const QCommandLineParser& p)
{
    return p.value("controlnet").toStdString();
}

std::string DecodeSupport::device(const QCommandLineParser& p)
{
    const QString d = p.value("device");
    if (d != "auto" && d != "cpu" && d != "cuda")
        throw Error("invalid value for --device: '" + d.toStdString() + "' (expected auto, cpu or cuda)");
    return d.toStdString();
}

DecodeProgressFn DecodeSupport::progressPrinter(const QCommandLineParser& p, Io& io)
{
    std::string previewDir;
    if (p.isSet("preview-dir")) {
        previewDir = p.value("preview-dir").toStdString();
        if (!QDir().mkpath(QString::fromStdString(previewDir)))
            throw Error("cannot create the preview folder " + previewDir);
    }
#ifdef _WIN32
    const bool tty = _isatty(_fileno(stderr)) != 0;
#else
    const bool tty = isatty(fileno(stderr)) != 0;
#endif
    return [previewDir, tty, &io](const DecodeProgress& d) {
        if (!d.preview.empty() && !previewDir.empty()) {
            std::ostringstream name;
            name << previewDir << "/step_" << std::setw(4) << std::setfill('0') << d.step << ".png";
            ImageIO::save(name.str(), d.preview);
        }
        const int width = 30;
        const int filled = d.total > 0 ? d.step * width / d.total : width;
        const double eta = d.step > 0 ? d.elapsedSeconds / d.step * (d.total - d.step) : 0.0;
        std::ostringstream line;
        line << "step " << d.step << "/" << d.total << " [" << std::string(std::size_t(filled), '#')
             << std::string(std::size_t(width - filled), '.') << "] " << Report::fixed(d.elapsedSeconds, 1)
             << " s, about " << Report::fixed(eta, 1) << " s left";
        if (tty)
            io.err << "\r" << line.str() << (d.step == d.total ? "\n" : "") << std::flush;
        else if (d.step == d.total || d.step == 1)
            io.err << line.str() << "\n";
    };
}

LoadProgressFn DecodeSupport::loadPrinter(Io& io)
{
    const auto start = std::chrono::steady_clock::now();
    return [start, &io](const std::string& part, int index, int count) {
        if (count <= 1)
            return;  // the built-in model loads in a moment
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        io.err << "loading the model: " << part << " (" << index << "/" << count << "), " << Report::fixed(seconds, 1)
               << " s\n"
               << std::flush;
    };
}

DecodeSupport::InterruptGuard::InterruptGuard()
{
    g_interrupted.store(false);
    g_previous = std::signal(SIGINT, onInterrupt);
}

DecodeSupport::InterruptGuard::~InterruptGuard()
{
    std::signal(SIGINT, g_previous == SIG_ERR ? SIG_DFL : g_previous);
}

const std::atomic<bool>* DecodeSupport::InterruptGuard::flag() const
{
    return &g_interrupted;
}

}  // namespace sem::cli
