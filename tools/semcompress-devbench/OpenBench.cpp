#include "tools/semcompress-devbench/OpenBench.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <algorithm>
#include <iomanip>
#include <opencv2/imgcodecs.hpp>
#include <vector>

#include "tools/semcompress-devbench/SyntheticPhoto.h"
#include "ui/window/MainWindow.h"
#include "tools/semcompress-devbench/StallProbe.h"

namespace sem::devbench {

using namespace sem::ui;  // the app under measurement

namespace {

struct OpenTiming {
    double shownMs = 0.0;    // call -> the document on screen
    double resultsMs = 0.0;  // call -> first edge and hint results applied
    double stallMs = 0.0;    // longest GUI-thread stall over that span
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

double maxOf(const std::vector<double>& v)
{
    return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
}

}  // namespace

int runOpenBench(int width, int height, int runs, std::ostream& out)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        return 1;
    const cv::Mat photo = syntheticPhoto(width, height, 11);
    const QString png = dir.filePath(QStringLiteral("photo.png"));
    const QString jpg = dir.filePath(QStringLiteral("photo.jpg"));
    if (!cv::imwrite(png.toStdString(), photo) || !cv::imwrite(jpg.toStdString(), photo, {cv::IMWRITE_JPEG_QUALITY, 92}))
        return 1;

    MainWindow w;
    w.resize(1500, 950);
    w.show();
    probeWhile([] { return true; }, 500);  // let the window settle
    const double idleStall = probeWhile([] { return true; }, 3000);

    out << std::fixed << std::setprecision(1) << "Image " << width << " x " << height
        << " (synthetic), " << runs << " opens per row; times in ms, median (max)\n\n"
        << "| file | open with | call -> shown | call -> first edge + hint results | longest GUI-thread stall |\n"
           "|---|---|---|---|---|\n";
    for (const QString& path : {png, jpg}) {
        for (const bool async : {false, true}) {
            std::vector<double> shown, results, stalls;
            for (int i = 0; i < runs; ++i) {
                bool opened = false, failed = false;
                const auto c1 = QObject::connect(&w, &MainWindow::documentOpened, [&] { opened = true; });
                const auto c2 = QObject::connect(&w, &MainWindow::openFailed, [&] { failed = true; });
                OpenTiming t;
                QElapsedTimer clock;
                const StallProbe probe;
                clock.start();
                if (async) {
                    w.openPathAsync(path);
                    probeWhile([&] { return !opened && !failed; }, 120000);
                } else {
                    opened = w.openImage(path);
                    failed = !opened;
                }
                t.shownMs = double(clock.nsecsElapsed()) / 1e6;
                probeWhile([&] { return !failed && w.isBusy(); }, 120000);
                t.resultsMs = double(clock.nsecsElapsed()) / 1e6;
                t.stallMs = probe.longestStallMs();
                QObject::disconnect(c1);
                QObject::disconnect(c2);
                if (!opened || failed || w.isBusy()) {
                    out << "open failed: " << w.lastError().toStdString() << '\n';
                    return 1;
                }
                shown.push_back(t.shownMs);
                results.push_back(t.resultsMs);
                stalls.push_back(t.stallMs);
                probeWhile([] { return true; }, 500);
            }
            out << "| " << (path == png ? "PNG" : "JPEG q92") << " | "
                << (async ? "openPathAsync (menu, drop)" : "openImage (GUI thread)") << " | " << median(shown) << " ("
                << maxOf(shown) << ") | " << median(results) << " (" << maxOf(results) << ") | " << median(stalls)
                << " (" << maxOf(stalls) << ") |\n";
        }
    }
    out << "\nLongest GUI-thread stall over 3 s with nothing running (noise floor): " << idleStall << " ms\n";
    return 0;
}

}  // namespace sem::devbench
