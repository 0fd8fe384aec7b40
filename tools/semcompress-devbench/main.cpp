// semcompress-devbench: the desktop app's developer benches (docs/bench/gui.md), out of the shipped
// semcompress. Not installed. Each mode runs a real MainWindow (semui) and prints markdown.
#include <QApplication>
#include <QCommandLineParser>
#include <QStandardPaths>
#include <iostream>

#include "semversion.h"
#include "tools/semcompress-devbench/OpenBench.h"
#include "tools/semcompress-devbench/SliderBench.h"
#if SEM_HAVE_DIFFUSION
#include "tools/semcompress-devbench/DecodeStallBench.h"
#endif

namespace {

// "WIDTHxHEIGHT" with both sides in [16, maxSide]; false otherwise.
bool parseSize(const QString& text, int maxSide, int& width, int& height)
{
    const QStringList wh = text.split('x');
    width = wh.size() == 2 ? wh[0].toInt() : 0;
    height = wh.size() == 2 ? wh[1].toInt() : 0;
    return width >= 16 && height >= 16 && width <= maxSide && height <= maxSide;
}

}  // namespace

int main(int argc, char** argv)
{
    QCoreApplication::setOrganizationName("SemCompress");
    QCoreApplication::setApplicationName("SemCompress");
    QCoreApplication::setApplicationVersion(QString::fromUtf8(sem::version::kVersion));
    QApplication app(argc, argv);
    // The benches keep their settings (temporary models and images, recent files, decode options)
    // away from the user's own: Qt's test locations instead of ~/.config.
    QStandardPaths::setTestModeEnabled(true);

    QCommandLineParser parser;
    parser.setApplicationDescription("SemCompress developer benches (not installed): one mode per run.");
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption benchSlider(
        "bench-slider", "Measure the live edge slider on a synthetic <width>x<height> image and exit.", "WxH");
    const QCommandLineOption benchOpen(
        "bench-open", "Measure opening a synthetic <width>x<height> PNG and JPEG file and exit.", "WxH");
    const QCommandLineOption benchDecode(
        "bench-decode", "Measure the GUI thread's stalls during a decode of a synthetic <width>x<height> image.", "WxH");
    const QCommandLineOption randomModel(
        "write-random-model", "Write an untrained (random) decoder model into <dir> and exit.", "dir");
    const QCommandLineOption model("model", "--bench-decode: decoder model (default: a random one).", "dir");
    const QCommandLineOption device("device", "--bench-decode: device, auto, cpu or cuda.", "device");
    const QCommandLineOption steps("steps", "--bench-decode: decode steps (default 20).", "n");
    parser.addOptions({benchSlider, benchOpen, benchDecode, randomModel, model, device, steps});
    parser.process(app);

    int w = 0, h = 0;
    if (parser.isSet(benchSlider) || parser.isSet(benchOpen)) {
        const bool slider = parser.isSet(benchSlider);
        if (!parseSize(parser.value(slider ? benchSlider : benchOpen), 16384, w, h)) {
            std::cerr << (slider ? "--bench-slider" : "--bench-open")
                      << ": expected WIDTHxHEIGHT with sides in 16..16384.\n";
            return 2;
        }
        return slider ? sem::devbench::runSliderBench(w, h, 9, std::cout)
                      : sem::devbench::runOpenBench(w, h, 5, std::cout);
    }
#if SEM_HAVE_DIFFUSION
    if (parser.isSet(randomModel)) {
        try {
            std::cout << sem::devbench::writeRandomModel(parser.value(randomModel), false).toStdString() << '\n';
            return 0;
        } catch (const std::exception& e) {
            std::cerr << e.what() << '\n';
            return 1;
        }
    }
    if (parser.isSet(benchDecode)) {
        if (!parseSize(parser.value(benchDecode), 4096, w, h)) {
            std::cerr << "--bench-decode: expected WIDTHxHEIGHT with sides in 16..4096.\n";
            return 2;
        }
        const int n = parser.isSet(steps) ? parser.value(steps).toInt() : 20;
        return sem::devbench::runDecodeStallBench(w, h, n < 1 ? 20 : n, 1, parser.value(model),
                                                  parser.isSet(device) ? parser.value(device) : QStringLiteral("auto"),
                                                  std::cout);
    }
#else
    if (parser.isSet(randomModel) || parser.isSet(benchDecode)) {
        std::cerr << "This build has no decoder engine (SEM_BUILD_DIFFUSION=OFF).\n";
        return 2;
    }
#endif
    parser.showHelp(2);
}
