#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QThread>
#include <iostream>
#include <string_view>

#include "semversion.h"
#include "ui/CaptionPanel.h"
#include "ui/DecodePanel.h"
#include "ui/HintPanel.h"
#include "core/pipeline/ModelLadder.h"
#include "ui/MainWindow.h"
#include "ui/RatePanel.h"
#if SEM_HAVE_DIFFUSION
#include "ui/DecodeBench.h"
#endif
#include "ui/OpenBench.h"
#include "ui/SliderBench.h"

namespace {

// Lets the workers finish (for --screenshot): returns false after `timeoutMs`.
bool waitIdle(const sem::ui::MainWindow& w, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (w.isBusy() && t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents();
        QThread::msleep(2);
    }
    QCoreApplication::processEvents();
    return !w.isBusy();
}

// Whether the command line asks for the help or the version (before a "--"): those print and exit
// without a display, so no QApplication (which needs one) is created for them.
bool asksForHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view a(argv[i]);
        if (a == "--")
            return false;
        if (a == "-h" || a == "-?" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version")
            return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv)
{
    QCoreApplication::setOrganizationName("SemCompress");
    QCoreApplication::setApplicationName("SemCompress");
    QCoreApplication::setApplicationVersion(QString::fromUtf8(sem::version::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription("SemCompress: semantic image compression (edges + caption + colour hint).");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "An image or a .sem file to open.", "[file]");
    const QCommandLineOption screenshot("screenshot", "Open [file], grab the window into <png> and exit.", "png");
    const QCommandLineOption caption("caption", "Caption text to put in the editor after opening [file].", "text");
    const QCommandLineOption benchSlider(
        "bench-slider", "Measure the live edge slider on a synthetic <width>x<height> image and exit.", "WxH");
    const QCommandLineOption model("model", "Decoder model directory for the Decode panel (this run only).", "dir");
    const QCommandLineOption device("device", "Decoder device for the Decode panel: auto, cpu or cuda.", "device");
    const QCommandLineOption steps("steps", "Decode steps for the Decode panel.", "n");
    const QCommandLineOption decode("decode", "With --screenshot: run a decode and wait for it before grabbing.");
    const QCommandLineOption hint("hint", "Colour hint factor after opening [file]: 4, 8, 16, 32 or 64.", "factor");
    const QCommandLineOption fidelity("fidelity", "Decode panel: one-step fidelity decode.");
    const QCommandLineOption fitBpp("fit-bpp", "After opening [file] (and --caption): Fit to size at <bpp>.", "bpp");
    const QCommandLineOption benchDecode(
        "bench-decode", "Measure the GUI thread during a decode of a synthetic <width>x<height> image and exit.", "WxH");
    const QCommandLineOption randomModel(
        "write-random-model", "Write an untrained (random) decoder model into <dir> and exit.", "dir");
    const QCommandLineOption benchOpen(
        "bench-open", "Measure opening a synthetic <width>x<height> PNG and JPEG file and exit.", "WxH");
    parser.addOptions({screenshot, caption, benchSlider, model, device, steps, decode, hint, fidelity, fitBpp,
                       benchDecode, randomModel, benchOpen});
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        parser.process(core);  // prints the help or the version and exits with 0
        return 0;
    }
    QApplication app(argc, argv);
    parser.process(app);
    // Benchmarks and scripted screenshots keep their settings (temporary models and images, recent
    // files, decode options) away from the user's own: Qt's test locations instead of ~/.config.
    for (const QCommandLineOption* scripted : {&screenshot, &benchSlider, &benchDecode, &benchOpen})
        if (parser.isSet(*scripted))
            QStandardPaths::setTestModeEnabled(true);

#if SEM_HAVE_DIFFUSION
    if (parser.isSet(randomModel)) {
        try {
            std::cout << sem::ui::writeRandomModel(parser.value(randomModel), false).toStdString() << '\n';
            return 0;
        } catch (const std::exception& e) {
            std::cerr << e.what() << '\n';
            return 1;
        }
    }
    if (parser.isSet(benchDecode)) {
        const QStringList wh = parser.value(benchDecode).split('x');
        const int w = wh.size() == 2 ? wh[0].toInt() : 0;
        const int h = wh.size() == 2 ? wh[1].toInt() : 0;
        if (w < 16 || h < 16 || w > 4096 || h > 4096) {
            std::cerr << "--bench-decode: expected WIDTHxHEIGHT with sides in 16..4096.\n";
            return 2;
        }
        const int n = parser.isSet(steps) ? parser.value(steps).toInt() : 20;
        return sem::ui::runDecodeBench(w, h, n < 1 ? 20 : n, 1, parser.value(model),
                                       parser.isSet(device) ? parser.value(device) : QStringLiteral("auto"), std::cout);
    }
#endif

    for (const QCommandLineOption* bench : {&benchSlider, &benchOpen}) {
        if (!parser.isSet(*bench))
            continue;
        const QStringList wh = parser.value(*bench).split('x');
        const int w = wh.size() == 2 ? wh[0].toInt() : 0;
        const int h = wh.size() == 2 ? wh[1].toInt() : 0;
        if (w < 16 || h < 16 || w > 16384 || h > 16384) {
            std::cerr << "--" << bench->names().first().toStdString()
                      << ": expected WIDTHxHEIGHT with sides in 16..16384.\n";
            return 2;
        }
        return bench == &benchSlider ? sem::ui::runSliderBench(w, h, 9, std::cout)
                                     : sem::ui::runOpenBench(w, h, 5, std::cout);
    }

    sem::ui::MainWindow window;
    window.setFirstUseTarget(sem::ModelLadder::kDefaultTargetBpp);  // the CLI's default rate (docs/RESULTS.md)
    if (parser.isSet(model))
        window.decodePanel()->setModelPath(parser.value(model));
    if (parser.isSet(device))
        window.decodePanel()->setDevice(parser.value(device));
    if (parser.isSet(steps))
        window.decodePanel()->stepsSpin()->setValue(parser.value(steps).toInt());
    if (parser.isSet(fidelity))
        window.decodePanel()->fidelityCheck()->setChecked(true);
    int hintIndex = -1;
    if (parser.isSet(hint)) {
        hintIndex = window.hintPanel()->factorCombo()->findData(parser.value(hint).toInt());
        if (hintIndex < 0) {
            std::cerr << "--hint: expected 4, 8, 16, 32 or 64.\n";
            return 2;
        }
    }
    bool fitOk = true;
    const double fitTarget = parser.isSet(fitBpp) ? parser.value(fitBpp).toDouble(&fitOk) : 0.0;
    if (!fitOk || fitTarget < 0.0) {
        std::cerr << "--fit-bpp: expected a positive number of bits per pixel.\n";
        return 2;
    }
    auto applyOptions = [&window, &parser, &caption, &hint, hintIndex, fitTarget] {
        if (parser.isSet(caption))
            window.captionPanel()->setText(parser.value(caption));
        if (parser.isSet(hint))
            window.hintPanel()->factorCombo()->setCurrentIndex(hintIndex);
        if (fitTarget > 0.0) {
            window.ratePanel()->setTargetBpp(fitTarget);
            emit window.ratePanel()->fitRequested(fitTarget);
        }
    };
    window.show();
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(screenshot)) {  // scripted: synchronous, the autosave is left alone
        if (!files.isEmpty() && !window.openPath(files.first())) {
            std::cerr << window.lastError().toStdString() << '\n';
            return 1;
        }
        applyOptions();
    } else {
        // A session that did not exit cleanly left its working state: offer it. Declining (or
        // naming a file to open) keeps it under File > Restore Previous Session.
        const bool crashed = sem::ui::MainWindow::adoptUncleanSession();
        if (!files.isEmpty()) {
            if (crashed)
                window.statusBar()->showMessage(
                    QObject::tr("The previous session did not exit cleanly: File > Restore Previous Session "
                                "brings its work back."),
                    15000);
            // In the background; the options apply to the opened document.
            QObject::connect(&window, &sem::ui::MainWindow::documentOpened, &window, applyOptions,
                             Qt::SingleShotConnection);
            window.openInteractively(files.first());
        } else {
            applyOptions();
            if (crashed
                && QMessageBox::question(
                       &window, QObject::tr("Restore the previous session?"),
                       QObject::tr("SemCompress did not exit cleanly. Restore the image, edge settings and caption "
                                   "you were working on?\n\nIf not now, File > Restore Previous Session brings "
                                   "them back later."))
                       == QMessageBox::Yes)
                window.restorePreviousSessionInteractively();
        }
    }
    if (parser.isSet(screenshot)) {
        if (!waitIdle(window, 60000)) {
            std::cerr << "--screenshot: the edge and hint workers did not finish within 60 s.\n";
            return 1;
        }
        if (parser.isSet(decode)) {
            window.revealDecodePanel();
            if (!window.startDecode()) {
                std::cerr << "--decode: " << window.lastError().toStdString() << '\n';
                return 1;
            }
            QElapsedTimer t;
            t.start();
            while ((window.isDecoding() || !window.baselinesReady()) && t.elapsed() < 600000) {
                QCoreApplication::processEvents();
                QThread::msleep(5);
            }
            if (!window.hasReconstruction()) {
                std::cerr << "--decode: " << window.decodePanel()->statusText().toStdString() << '\n';
                return 1;
            }
            window.revealDecodePanel();
            QCoreApplication::processEvents();
        }
        if (!window.grab().save(parser.value(screenshot), "PNG")) {
            std::cerr << "--screenshot: cannot write " << parser.value(screenshot).toStdString() << '\n';
            return 1;
        }
        return 0;
    }
    return QApplication::exec();
}
