// `semc eval`'s rate-distortion plots (cli/eval/RdPlotImage): the legend keeps long series names
// inside the image (it widens up to a limit, then wraps), and another report's curves are drawn
// dashed with square markers.
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "cli/eval/RdPlotImage.h"

using namespace sem::cli;

namespace {

std::vector<BdPoint> curve(double psnr0)
{
    std::vector<BdPoint> pts;
    for (int k = 0; k < 4; ++k) {
        BdPoint p;
        p.bpp = 0.01 + 0.01 * k;
        p.psnr = psnr0 + k;
        p.niqe = 12.0 - k;
        pts.push_back(p);
    }
    return pts;
}

// Pixels that are not white in the columns [x0, x1) of the image.
int inked(const cv::Mat& img, int x0, int x1)
{
    int n = 0;
    for (int y = 0; y < img.rows; ++y)
        for (int x = x0; x < x1; ++x)
            n += img.at<cv::Vec3b>(y, x) != cv::Vec3b(255, 255, 255) ? 1 : 0;
    return n;
}

}  // namespace

class TestRdPlotImage : public QObject {
    Q_OBJECT
private slots:
    // Names of the length `semc eval` gives its sampled curves and the --compare curves (they ran
    // off the right edge of the image before): nothing is drawn in the last 8 columns.
    void longLegendNamesStayInsideTheImage()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::vector<std::string> names = {
            "semantic at target bpp, sampled (strength 0.35)", "semantic at target bpp, sampled from noise",
            "built-in c0cbc3ab12a40167: sampled 0.35 (24 of 71)",
            "a name far longer than any legend could hold on one line of the plot, so it must wrap"};
        std::vector<Series> series;
        for (std::size_t i = 0; i < names.size(); ++i)
            series.push_back({names[i], curve(15.0 + static_cast<double>(i)), i == 2});
        for (PlotMetric metric : {PlotMetric::Psnr, PlotMetric::Niqe}) {
            const std::string path = dir.filePath("plot.png").toStdString();
            drawRdPlot(series, path, "bpp vs PSNR, 71 images, model c0cbc3ab12a40167 (built-in), dashed: other models",
                       metric);
            const cv::Mat img = cv::imread(path);
            QCOMPARE(img.cols, 1060);
            QCOMPARE(img.rows, 650);
            QCOMPARE(inked(img, img.cols - 8, img.cols), 0);
            QVERIFY(inked(img, img.cols - 300, img.cols - 8) > 500);  // the legend is there
        }
    }

    // A dashed series leaves gaps along its line where a solid one does not.
    void dashedSeriesIsDrawnApart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string solidPath = dir.filePath("solid.png").toStdString();
        const std::string dashedPath = dir.filePath("dashed.png").toStdString();
        drawRdPlot({{"curve", curve(15.0), false}}, solidPath, "t");
        drawRdPlot({{"curve", curve(15.0), true}}, dashedPath, "t");
        const cv::Mat solid = cv::imread(solidPath), dashed = cv::imread(dashedPath);
        // the gaps: pixels the solid line colours that are white in the dashed plot
        int gaps = 0;
        for (int y = 0; y < solid.rows; ++y)
            for (int x = 80; x < 740; ++x)
                gaps += solid.at<cv::Vec3b>(y, x) != cv::Vec3b(255, 255, 255) &&
                                dashed.at<cv::Vec3b>(y, x) == cv::Vec3b(255, 255, 255)
                            ? 1
                            : 0;
        QVERIFY2(gaps > 200, qPrintable(QString::number(gaps)));
    }
};

QTEST_GUILESS_MAIN(TestRdPlotImage)
#include "tst_rdplotimage.moc"
