#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QScrollArea>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QThread>
#include <QWheelEvent>
#include <algorithm>
#include <optional>
#include <vector>
#include <functional>
#include <iostream>
#include <string_view>

#include "semversion.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/DecodePanel.h"
#include "ui/panels/HintPanel.h"
#include "core/pipeline/ModelLadder.h"
#include "ui/views/ImageView.h"
#include "ui/views/VariationGrid.h"
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
    QCommandLineOption view{"view",
                            "With --screenshot: what the view shows, one layer or two split (LEFT,RIGHT): original, "
                            "edges, hint, reconstruction, jpeg, webp, webp-downscale.",
                            "layers"};
    QCommandLineOption wheel{"wheel",
                             "With --screenshot: first turns the mouse wheel <n> notches over the side panel's "
                             "Colour hint and Sampler boxes (not focused) and prints their values before and after.",
                             "n"};

    QCommandLineOption previewShot{"preview-shot",
                                   "With --screenshot --decode: also grab the window into <png> when the decode's "
                                   "first preview is shown.",
                                   "png"};
    QCommandLineOption variations{"variations", "Decode panel: decode <n> seeds side by side (1-9).", "n"};
    QCommandLineOption gridShot{"grid-shot",
                                "With --screenshot --decode --variations N: also grab the variations grid into <png>.",
                                "png"};
    QCommandLineOption palette{"palette",
                               "With --screenshot: write 8-bit palette PNGs (a few times smaller; colours of "
                               "photos approximate, ordered dither)."};

    void addTo(QCommandLineParser& parser) const
    {
        parser.addOptions(
            {screenshot, caption, model, device, steps, decode, hint, fidelity, fitBpp, view, wheel, previewShot, variations,
             gridShot, palette});
    }
};

using Layer = sem::ui::ImageView::Layer;

// --view's layer names; false for an unknown one.
bool parseLayers(const QString& text, std::vector<Layer>& out)
{
    const std::pair<const char*, Layer> names[] = {
        {"original", Layer::Original}, {"edges", Layer::Edges}, {"hint", Layer::Hint},
        {"reconstruction", Layer::Reconstruction}, {"jpeg", Layer::Jpeg}, {"webp", Layer::Webp},
        {"webp-downscale", Layer::WebpDownscale}};
    const QStringList parts = text.split(QLatin1Char(','));
    if (parts.size() > 2)
        return false;
    for (const QString& part : parts) {
        bool found = false;
        for (const auto& [name, layer] : names)
            if (part.trimmed() == QLatin1String(name)) {
                out.push_back(layer);
                found = true;
            }
        if (!found)
            return false;
    }
    return !out.empty();
}

// Waits (processing events) until `done` or `timeoutMs`; returns done().
bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents();
        QThread::msleep(5);
    }
    QCoreApplication::processEvents();
    return done();
}

// --wheel: the wheel over two unfocused boxes of the side panel (as a user scrolling the panel does).
void turnWheel(sem::ui::MainWindow& window, int notches)
{
    // The Colour hint box last, so that the panel is left showing it.
    const std::pair<const char*, QComboBox*> boxes[] = {{"Sampler", window.decodePanel()->samplerCombo()},
                                                        {"Colour hint", window.hintPanel()->factorCombo()}};
    for (const auto& [name, combo] : boxes) {
        QWidget* box = combo;
        for (QWidget* w = box->parentWidget(); w; w = w->parentWidget())
            if (auto* scroll = qobject_cast<QScrollArea*>(w))
                scroll->ensureWidgetVisible(box, 0, 150);  // under the pointer, as when scrolling to it
        QCoreApplication::processEvents();
        const QString before = combo->currentText();
        const QPointF pos(box->width() / 2.0, box->height() / 2.0);
        for (int i = 0; i < std::abs(notches); ++i) {
            QWheelEvent e(pos, box->mapToGlobal(pos), QPoint(), QPoint(0, notches < 0 ? 120 : -120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(box, &e);
            QCoreApplication::processEvents();
        }
        std::cout << "--wheel: " << name << " '" << before.toStdString() << "' -> '" << combo->currentText().toStdString() << "' after "
                  << std::abs(notches) << " notches\n";
    }
}

// Grabs the window into `path` (PNG; with --palette 8-bit indexed); false when it cannot be written.
bool grabInto(QWidget& window, const QString& path, bool palette)
{
    QImage shot = window.grab().toImage();
    if (palette)
        shot = shot.convertToFormat(QImage::Format_Indexed8, Qt::OrderedDither | Qt::PreferDither);
    if (shot.save(path, "PNG"))
        return true;
    std::cerr << "--screenshot: cannot write " << path.toStdString() << '\n';
    return false;
}

// --screenshot: waits for the workers (and with --decode for a decode), then grabs the window.
int takeScreenshot(sem::ui::MainWindow& window, const QCommandLineParser& parser, const Options& o)
{
    const bool palette = parser.isSet(o.palette);
    if (!waitIdle(window, 60000)) {
        std::cerr << "--screenshot: the edge and hint workers did not finish within 60 s.\n";
        return 1;
    }
    if (parser.isSet(o.decode)) {
        if (parser.isSet(o.previewShot))  // the first preview, as the user sees it while the decode runs
            QObject::connect(
                &window, &sem::ui::MainWindow::decodePreviewShown, &window,
                [&window, path = parser.value(o.previewShot), palette](int) { grabInto(window, path, palette); },
                Qt::SingleShotConnection);
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
        if (parser.isSet(o.gridShot)) {
            sem::ui::VariationGrid* grid = window.variationGrid();
            if (!grid || !grid->isVisible()) {
                std::cerr << "--grid-shot: no variations grid (the fidelity decode has none).\n";
                return 1;
            }
            if (!grabInto(*grid, parser.value(o.gridShot), palette))
                return 1;
        }
        // The decode's PSNR and SSIM (measured off the GUI thread) on its label and the status line.
        if (!window.document()->image().empty())
            waitFor([&window] { return window.resultText().contains(QLatin1String("PSNR")); }, 120000);
    }
    if (parser.isSet(o.view)) {
        std::vector<Layer> layers;
        parseLayers(parser.value(o.view), layers);  // checked in main()
        window.showLayers(layers.front(), layers.size() > 1 ? std::optional<Layer>(layers[1]) : std::nullopt);
        const bool compare = std::any_of(layers.begin(), layers.end(), [](Layer l) {
            return l == Layer::Jpeg || l == Layer::Webp || l == Layer::WebpDownscale;
        });
        if (compare && !waitFor([&window] { return window.compareReady(); }, 600000)) {
            std::cerr << "--view: the compare views were not computed within 10 minutes.\n";
            return 1;
        }
    }
    if (parser.isSet(o.wheel))
        turnWheel(window, parser.value(o.wheel).toInt());
    return grabInto(window, parser.value(o.screenshot), palette) ? 0 : 1;
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
    if (parser.isSet(o.variations)) {
        bool ok = true;
        const int count = parser.value(o.variations).toInt(&ok);
        if (!ok || count < 1 || count > sem::ui::DecodePanel::kMaxVariations) {
            std::cerr << "--variations: expected 1 to " << sem::ui::DecodePanel::kMaxVariations << ".\n";
            return 2;
        }
        window.decodePanel()->setVariations(count);
    }
    if (parser.isSet(o.gridShot) && (!parser.isSet(o.decode) || window.decodePanel()->variations() < 2)) {
        std::cerr << "--grid-shot: needs --decode and --variations 2 or more.\n";
        return 2;
    }
    int hintIndex = -1;
    if (parser.isSet(hint)) {
        hintIndex = window.hintPanel()->factorCombo()->findData(parser.value(hint).toInt());
        if (hintIndex < 0) {
            std::cerr << "--hint: expected 4, 8, 16, 32 or 64.\n";
            return 2;
        }
    }
    std::vector<Layer> viewLayers;
    if (parser.isSet(o.view) && !parseLayers(parser.value(o.view), viewLayers)) {
        std::cerr << "--view: expected one or two of original, edges, hint, reconstruction, jpeg, webp, "
                     "webp-downscale (LEFT,RIGHT).\n";
        return 2;
    }
    bool wheelOk = true;
    if (parser.isSet(o.wheel) && (parser.value(o.wheel).toInt(&wheelOk), !wheelOk)) {
        std::cerr << "--wheel: expected a number of notches.\n";
        return 2;
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
