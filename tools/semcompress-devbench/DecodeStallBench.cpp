#include "tools/semcompress-devbench/DecodeStallBench.h"
#include "tools/semcompress-devbench/StallProbe.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QElapsedTimer>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <iomanip>

#include "diffusion/builtin/BuiltinEngine.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"
#include "ui/panels/DecodePanel.h"
#include "ui/window/MainWindow.h"

namespace sem::devbench {

using namespace sem::ui;  // the app under measurement

QString writeRandomModel(const QString& directory, bool tiny)
{
    diffusion::ModelCard card;
    card.name = "semcompress-random-untrained";
    card.config = tiny ? diffusion::tinyModelConfig() : diffusion::defaultModelConfig();
    card.vocabulary = {"a", "the", "red", "blue", "green", "on", "in", "with", "bike", "sign", "sky", "street"};
    diffusion::BuiltinEngine engine;
    engine.createRandom(card, 1, "cpu");
    const QString path = QDir(directory).absoluteFilePath(QStringLiteral("random-model"));
    engine.save(QFile::encodeName(path).toStdString());
    return path;
}

int runDecodeStallBench(int width, int height, int steps, int previewEvery, const QString& modelPath,
                        const QString& device, std::ostream& out)
{
    QTemporaryDir tmp;
    QString model = modelPath;
    if (model.isEmpty()) {
        try {
            model = writeRandomModel(tmp.path(), false);
        } catch (const std::exception& e) {
            out << "cannot create the random model: " << e.what() << '\n';
            return 1;
        }
    }
    MainWindow w;
    w.resize(1500, 950);
    w.show();
    w.setImage(syntheticPhoto(width, height, 7), QStringLiteral("synthetic"));
    w.decodePanel()->setModelPath(model);
    w.decodePanel()->setDevice(device);
    w.decodePanel()->setPreviewEvery(previewEvery);
    w.decodePanel()->stepsSpin()->setValue(steps);
    probeWhile([&] { return w.isBusy(); }, 120000);

    int previews = 0;
    bool ok = false, done = false;
    QString error;
    QObject::connect(&w, &MainWindow::decodePreviewShown, [&] { ++previews; });
    QObject::connect(&w, &MainWindow::decodeFinished, [&] { ok = done = true; });
    QObject::connect(&w, &MainWindow::decodeFailed, [&](const QString& m) { error = m; done = true; });
    QElapsedTimer clock;
    clock.start();
    if (!w.startDecode()) {
        out << "cannot start the decode: " << w.lastError().toStdString() << '\n';
        return 1;
    }
    const double decodeStall = probeWhile([&] { return !done; }, 600000);
    const double seconds = clock.elapsed() / 1000.0;
    if (!ok) {
        out << "decode failed: " << error.toStdString() << '\n';
        return 1;
    }
    const double idleStall = probeWhile([] { return true; }, 3000);
    out << std::fixed << std::setprecision(1) << "Image " << width << " x " << height << " (synthetic), " << steps
        << " steps DPM-Solver++(2M), guidance 2, preview every " << previewEvery << " steps, device "
        << w.decodeDevice().toStdString() << ", model " << (modelPath.isEmpty() ? "random default architecture" : modelPath.toStdString())
        << "\n\n| decode wall s (start -> result shown) | previews shown | longest GUI-thread stall during the decode ms | same, 3 s idle after ms |\n"
           "|---|---|---|---|\n"
        << "| " << seconds << " | " << previews << " | " << decodeStall << " | " << idleStall << " |\n";
    return 0;
}

}  // namespace sem::devbench
