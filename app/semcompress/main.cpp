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
#include <functional>
#include <iostream>
#include <string_view>

#include "semversion.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/DecodePanel.h"
#include "ui/panels/HintPanel.h"
#include "core/pipeline/ModelLadder.h"
#include "ui/window/MainWindow.h"
#include "ui/panels/RatePanel.h"

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

// The command line's options (the benches are in tools/semcompress-devbench, not here).
struct Options {
    QCommandLineOption screenshot{"screenshot", "Open [file], grab the window into <png> and exit.", "png"};
    QCommandLineOption caption{"caption", "Caption text to put in the editor after opening [file].", "text"};
    QCommandLineOption model{"model", "Decoder model directory for the Decode panel (this run only).", "dir"};
    QCommandLineOption device{"device", "Decoder device for the Decode panel: auto, cpu or cuda.", "device"};
    QCommandLineOption steps{"steps", "Decode steps for the Decode panel.", "n"};
    QCommandLineOption decode{"decode", "With --screenshot: run a decode and wait for it before grabbing."};
    QCommandLineOption hint{"hint", "Colour hint factor after opening [file]: 4, 8, 16, 32 or 64.", "factor"};
    QCommandLineOption fidelity{"fidelity", "Decode panel: one-step fidelity decode."};
    QCommandLineOption fitBpp{"fit-bpp", "After opening [file] (and --caption): Fit to size at <bpp>.", "bpp"};

    void addTo(QCommandLineParser& parser) const
    {
        parser.addOptions({screenshot, caption, model, device, steps, decode, hint, fidelity, fitBpp});
    }
};

// --screenshot: waits for the workers (and with --decode for a decode), then grabs the window.
int takeScreenshot(sem::ui::MainWindow& window, const QCommandLineParser& parser, const Options& o)
{
    if (!waitIdle(window, 60000)) {
        std::cerr << "--screenshot: the edge and hint workers did not finish within 60 s.\n";
        return 1;
    }
    if (parser.isSet(o.decode)) {
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
    if (!window.grab().save(parser.value(o.screenshot), "PNG")) {
        std::cerr << "--screenshot: cannot write " << parser.value(o.screenshot).toStdString() << '\n';
        return 1;
    }
    return 0;
}

// An interactive start: opens `files` (in the background) or offers a crashed session's work.
void startInteractive(sem::ui::MainWindow& window, const QStringList& files, const std::function<void()>& applyOptions)
{
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
        return;
    }
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
    const Options o;
    o.addTo(parser);
    const QCommandLineOption &screenshot = o.screenshot, &caption = o.caption, &model = o.model, &device = o.device,
                             &steps = o.steps, &hint = o.hint, &fidelity = o.fidelity, &fitBpp = o.fitBpp;
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        parser.process(core);  // prints the help or the version and exits with 0
        return 0;
    }
    QApplication app(argc, argv);
    parser.process(app);
    // Scripted screenshots keep their settings (recent files, decode options) away from the
    // user's own: Qt's test locations instead of ~/.config. (The benches: tools/semcompress-devbench.)
    if (parser.isSet(screenshot))
        QStandardPaths::setTestModeEnabled(true);

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
    if (!parser.isSet(screenshot)) {
        startInteractive(window, files, applyOptions);
        return QApplication::exec();
    }
    // Scripted: synchronous, the autosave is left alone.
    if (!files.isEmpty() && !window.openPath(files.first())) {
        std::cerr << window.lastError().toStdString() << '\n';
        return 1;
    }
    applyOptions();
    return takeScreenshot(window, parser, o);
}
