#include "tools/semcompress-devbench/SliderBench.h"
#include "tools/semcompress-devbench/StallProbe.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSlider>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <functional>
#include <iomanip>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "tools/semcompress-devbench/SyntheticPhoto.h"
#include "ui/panels/EdgePanel.h"
#include "ui/window/MainWindow.h"
#include "ui/panels/RatePanel.h"

namespace sem::devbench {

using namespace sem::ui;  // the app under measurement

namespace {

bool waitIdle(const MainWindow& w, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (w.isBusy()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents();
        QThread::usleep(200);
    }
    QCoreApplication::processEvents();
    return true;
}

// Runs 60 frames of 16 ms, calling perFrame(i) at the start of each (if set); returns the longest
// stall of the GUI thread: the largest gap between ticks of a 5 ms timer, minus 5 ms.
double runFrames(const std::function<void(int)>& perFrame)
{
    const StallProbe probe;
    for (int i = 0; i < 60; ++i) {
        if (perFrame)
            perFrame(i);
        QElapsedTimer frame;
        frame.start();
        while (frame.elapsed() < 16) {
            QCoreApplication::processEvents();
            QThread::usleep(200);
        }
    }
    return probe.longestStallMs();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

int runSliderBench(int width, int height, int moves, std::ostream& out)
{
    MainWindow w;
    w.resize(1500, 950);
    w.show();
    const cv::Mat photo = syntheticPhoto(width, height, 7);
    QElapsedTimer clock;
    clock.start();
    w.setImage(photo, QStringLiteral("synthetic"));
    if (!waitIdle(w, 120000))
        return 1;
    out << "Image " << width << " x " << height << " (synthetic), open (conversion, view pyramid) + first edge and hint results: "
        << clock.elapsed() << " ms\n\n"
        << "| edge map scale | single move: median ms | max ms | drag (60 moves @ 60 Hz): extractions run | "
           "last move -> result ms | longest GUI-thread stall ms | same, slider idle ms |\n"
           "|---|---|---|---|---|---|---|\n";
    out << std::fixed << std::setprecision(1);

    QSlider* low = w.edgePanel()->lowSlider();
    for (int scale : {4, 1}) {
        QComboBox* combo = w.edgePanel()->scaleCombo();
        combo->setCurrentIndex(combo->findData(scale));
        if (!waitIdle(w, 120000))
            return 1;

        std::vector<double> single;
        for (int i = 0; i < moves; ++i) {
            clock.restart();
            low->setValue(30 + 7 * i);
            if (!waitIdle(w, 120000))
                return 1;
            w.imageView()->repaint();
            single.push_back(double(clock.nsecsElapsed()) / 1e6);
        }

        int extractions = 0;
        double lastResultMs = 0.0;
        QElapsedTimer sinceLast;  // restarted at every move
        sinceLast.start();
        const auto conn = QObject::connect(&w, &MainWindow::edgesUpdated, [&] {
            ++extractions;
            lastResultMs = double(sinceLast.nsecsElapsed()) / 1e6;
        });
        // The same 60 frames twice: without moving the slider (the machine's noise floor for
        // the stall probe), then moving it once per frame.
        const double idleStall = runFrames(nullptr);
        const double dragStall = runFrames([&](int i) {
            sinceLast.restart();
            low->setValue(40 + 2 * i);
        });
        // sinceLast now counts from the last move; the last edgesUpdated() is that move's result.
        if (!waitIdle(w, 120000))
            return 1;
        const double lastToResult = lastResultMs;
        QObject::disconnect(conn);
        out << "| 1/" << scale << " | " << median(single) << " | " << *std::max_element(single.begin(), single.end())
            << " | " << extractions << " | " << lastToResult << " | " << dragStall << " | " << idleStall << " |\n";
    }
    return 0;
}

}  // namespace sem::devbench
