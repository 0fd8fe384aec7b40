#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QThread>
#include <iostream>

#include "semversion.h"
#include "ui/CaptionPanel.h"
#include "ui/MainWindow.h"
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

}  // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("SemCompress");
    QApplication::setApplicationName("SemCompress");
    QApplication::setApplicationVersion(QString::fromUtf8(sem::version::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription("SemCompress: semantic image compression (edges + caption + colour hint).");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "An image or a .sem file to open.", "[file]");
    const QCommandLineOption screenshot("screenshot", "Open [file], grab the window into <png> and exit.", "png");
    const QCommandLineOption caption("caption", "Caption text to put in the editor after opening [file].", "text");
    const QCommandLineOption benchSlider(
        "bench-slider", "Measure the live edge slider on a synthetic <width>x<height> image and exit.", "WxH");
    parser.addOptions({screenshot, caption, benchSlider});
    parser.process(app);

    if (parser.isSet(benchSlider)) {
        const QStringList wh = parser.value(benchSlider).split('x');
        const int w = wh.size() == 2 ? wh[0].toInt() : 0;
        const int h = wh.size() == 2 ? wh[1].toInt() : 0;
        if (w < 16 || h < 16 || w > 16384 || h > 16384) {
            std::cerr << "--bench-slider: expected WIDTHxHEIGHT with sides in 16..16384.\n";
            return 2;
        }
        return sem::ui::runSliderBench(w, h, 9, std::cout);
    }

    sem::ui::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty() && !window.openPath(files.first())) {
        if (parser.isSet(screenshot)) {
            std::cerr << window.lastError().toStdString() << '\n';
            return 1;
        }
        QMessageBox::critical(&window, QObject::tr("Cannot open file"), window.lastError());
    }
    if (parser.isSet(caption))
        window.captionPanel()->setText(parser.value(caption));
    if (parser.isSet(screenshot)) {
        if (!waitIdle(window, 60000)) {
            std::cerr << "--screenshot: the edge and hint workers did not finish within 60 s.\n";
            return 1;
        }
        if (!window.grab().save(parser.value(screenshot), "PNG")) {
            std::cerr << "--screenshot: cannot write " << parser.value(screenshot).toStdString() << '\n';
            return 1;
        }
        return 0;
    }
    return QApplication::exec();
}
