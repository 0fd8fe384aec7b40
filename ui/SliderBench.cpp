#include "ui/SliderBench.h"
#include "ui/StallProbe.h"

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

#include "ui/EdgePanel.h"
#include "ui/MainWindow.h"
#include "ui/RatePanel.h"

namespace sem::ui {

cv::Mat syntheticPhoto(int width, int height, unsigned seed)
{
    cv::Mat img(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y) {
        auto* row = img.ptr<cv::Vec3b>(y);
        for (int x = 0; x < width; ++x)
            row[x] = cv::Vec3b(static_cast<std::uint8_t>(60 + 120 * x / std::max(1, width)),
                               static_cast<std::uint8_t>(80 + 100 * y / std::max(1, height)), 140);
    }
    cv::RNG rng(seed);
    const int side = std::max(8, std::min(width, height));
    for (int i = 0; i < 300; ++i) {
        const cv::Scalar colour(rng.uniform(0, 256), rng.uniform(0, 256), rng.uniform(0, 256));
        const cv::Point c(rng.uniform(0, width), rng.uniform(0, height));
        const int r = rng.uniform(side / 100 + 2, side / 8 + 3);
        if (i % 3 == 0)
            cv::circle(img, c, r, colour, cv::FILLED, cv::LINE_AA);
        else if (i % 3 == 1)
            cv::rectangle(img, cv::Rect(c.x, c.y, r, r / 2 + 1), colour, cv::FILLED);
        else
            cv::line(img, c, cv::Point(c.x + r, c.y + r / 3), colour, std::max(1, side / 400), cv::LINE_AA);
    }
    cv::Mat noise(img.size(), CV_8UC3);
    cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(6));
    cv::Mat noisy;
    cv::add(img, noise, noisy, cv::noArray(), CV_8UC3);
    return noisy;
}

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

}  // namespace sem::ui
