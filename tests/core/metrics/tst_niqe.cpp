#include "core/common/Error.h"
#include "core/metrics/MatlabResize.h"
#include "core/metrics/Niqe.h"
#include "core/metrics/NiqePristineModel.h"

#include <QtTest>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace {

const QString kFixtureDir = QStringLiteral(SEM_SOURCE_DIR "/tests/core/metrics/fixtures/niqe");

// A deterministic textured BGR image (smooth waves plus a fixed pseudo-random texture).
cv::Mat textured(int w, int h) {
    cv::Mat m(h, w, CV_8UC3);
    cv::RNG rng(7);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double v = 120.0 + 50.0 * std::sin(x * 0.11) * std::cos(y * 0.07) + rng.uniform(-20.0, 20.0);
            const auto b = cv::saturate_cast<uchar>(v);
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(b, cv::saturate_cast<uchar>(v * 0.8 + 30.0), cv::saturate_cast<uchar>(255.0 - v));
        }
    return m;
}

template <typename F>
bool throwsSemError(F&& f) {
    try {
        f();
    } catch (const sem::Error&) {
        return true;
    }
    return false;
}

}  // namespace

class TestNiqe : public QObject {
    Q_OBJECT
private slots:
    // The committed reference scores (BasicSR's calculate_niqe, see
    // tests/core/metrics/reference/niqe_reference.py) against ours, within 0.01 on every image.
    void agreesWithBasicSr() {
        QFile f(kFixtureDir + "/scores.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray scores = QJsonDocument::fromJson(f.readAll()).object().value("scores").toArray();
        QCOMPARE(scores.size(), 20);  // 12 bundled samples, baselines, decodes, an edge map, flat, noise
        double maxDiff = 0.0;
        int undefined = 0;
        for (const auto& v : scores) {
            const QJsonObject e = v.toObject();
            const std::string path = std::string(SEM_SOURCE_DIR) + "/" + e.value("image").toString().toStdString();
            cv::Mat img = cv::imread(path, cv::IMREAD_UNCHANGED);
            QVERIFY2(!img.empty(), path.c_str());
            QCOMPARE(img.cols, e.value("width").toInt());
            QCOMPARE(img.rows, e.value("height").toInt());
            const double ours = sem::metrics::niqe(img);
            if (e.contains("error")) {  // BasicSR fails (flat image): we report NaN
                QVERIFY2(std::isnan(ours), path.c_str());
                ++undefined;
                continue;
            }
            const double ref = e.value("niqe").toDouble();
            const double diff = std::abs(ours - ref);
            maxDiff = std::max(maxDiff, diff);
            QVERIFY2(diff <= 0.01, qPrintable(QString("%1: ours %2, BasicSR %3")
                                                  .arg(QString::fromStdString(path)).arg(ours, 0, 'f', 6).arg(ref, 0, 'f', 6)));
        }
        QCOMPARE(undefined, 1);
        qInfo("max |ours - BasicSR| over %d images: %.3g", static_cast<int>(scores.size()) - undefined, maxDiff);
    }

    // BasicSR's imresize(x / 255, 0.5, antialiasing=True) * 255 of this 6x10 image (float32 in torch).
    void imresizeMatchesBasicSr() {
        cv::Mat x(6, 10, CV_64F);
        for (int r = 0; r < 6; ++r)
            for (int c = 0; c < 10; ++c) x.at<double>(r, c) = ((r * 7 + c * 13) % 17) * 15.0 + (r == c ? 3.0 : 0.0);
        const double expected[3][5] = {
            {101.6688537598, 136.2340393066, 107.3950576782, 107.129699707, 135.7422790527},
            {114.2849655151, 125.6490631104, 120.1840286255, 115.5243759155, 125.8575820923},
            {104.2082824707, 133.0328826904, 133.8213043213, 104.0471191406, 139.7204589844}};
        const cv::Mat y = sem::metrics::matlabImresize(x, 0.5);
        QCOMPARE(y.rows, 3);
        QCOMPARE(y.cols, 5);
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 5; ++c) QVERIFY(std::abs(y.at<double>(r, c) - expected[r][c]) < 1e-4);
        // Odd sides round up; a constant stays constant.
        const cv::Mat k = sem::metrics::matlabImresize(cv::Mat(7, 9, CV_64F, cv::Scalar(42.0)), 0.5);
        QCOMPARE(k.rows, 4);
        QCOMPARE(k.cols, 5);
        double lo = 0.0, hi = 0.0;
        cv::minMaxLoc(k, &lo, &hi);
        QVERIFY(std::abs(lo - 42.0) < 1e-12 && std::abs(hi - 42.0) < 1e-12);
        QVERIFY(throwsSemError([] { sem::metrics::matlabImresize(cv::Mat(4, 4, CV_32F, cv::Scalar(1.0)), 0.5); }));
        QVERIFY(throwsSemError([] { sem::metrics::matlabImresize(cv::Mat(4, 4, CV_64F, cv::Scalar(1.0)), 0.0); }));
    }

    // MATLAB's rgb2ycbcr Y, rounded: black 16, white 235, and the BT.601 weights.
    void lumaIsMatlabY() {
        cv::Mat px(1, 5, CV_8UC3);
        px.at<cv::Vec3b>(0, 0) = {0, 0, 0};
        px.at<cv::Vec3b>(0, 1) = {255, 255, 255};
        px.at<cv::Vec3b>(0, 2) = {0, 0, 255};  // red: 16 + 65.481 = 81.481
        px.at<cv::Vec3b>(0, 3) = {0, 255, 0};  // green: 16 + 128.553
        px.at<cv::Vec3b>(0, 4) = {255, 0, 0};  // blue: 16 + 24.966
        const cv::Mat y = sem::metrics::niqe_detail::lumaY(px);
        QCOMPARE(y.type(), CV_32FC1);
        QCOMPARE(y.at<float>(0, 0), 16.0f);
        QCOMPARE(y.at<float>(0, 1), 235.0f);
        QCOMPARE(y.at<float>(0, 2), 81.0f);
        QCOMPARE(y.at<float>(0, 3), 145.0f);
        QCOMPARE(y.at<float>(0, 4), 41.0f);
        // One channel is used as Y as it is (BasicSR with a 2D image).
        cv::Mat g(1, 3, CV_8UC1);
        g.at<uchar>(0, 0) = 0;
        g.at<uchar>(0, 1) = 77;
        g.at<uchar>(0, 2) = 255;
        const cv::Mat yg = sem::metrics::niqe_detail::lumaY(g);
        QCOMPARE(yg.at<float>(0, 1), 77.0f);
        QCOMPARE(yg.at<float>(0, 2), 255.0f);
    }

    void pristineModelIsConsistent() {
        using namespace sem::metrics::niqe_model;
        double sum = 0.0;
        for (const double w : kGaussianWindow) sum += w;
        QVERIFY(std::abs(sum - 1.0) < 1e-12);
        for (int i = 0; i < kFeatures; ++i)
            for (int j = 0; j < kFeatures; ++j)
                QCOMPARE(kPristineCovariance[static_cast<std::size_t>(i * kFeatures + j)],
                         kPristineCovariance[static_cast<std::size_t>(j * kFeatures + i)]);
        QCOMPARE(kPristineMean[0], 2.6013136801541448);
        QCOMPARE(kPristineMean[35], 0.18677777557293712);
    }

    // Sizes: two 96x96 blocks at least; the remainder beyond whole blocks is ignored.
    void sizes() {
        using sem::metrics::niqeSizeOk;
        QVERIFY(!niqeSizeOk(95, 400));
        QVERIFY(!niqeSizeOk(96, 96));
        QVERIFY(!niqeSizeOk(191, 191));
        QVERIFY(niqeSizeOk(192, 96));
        QVERIFY(niqeSizeOk(96, 192));
        QVERIFY(throwsSemError([] { sem::metrics::niqe(textured(191, 191)); }));
        QVERIFY(throwsSemError([] { sem::metrics::niqe(textured(60, 300)); }));
        const cv::Mat big = textured(250, 150);
        const double a = sem::metrics::niqe(big);
        QVERIFY(std::isfinite(a) && a > 0.0);
        QCOMPARE(sem::metrics::niqe(big(cv::Rect(0, 0, 192, 96)).clone()), a);
    }

    // 16-bit images are reduced to 8 bits first: v * 257 scores as v.
    void sixteenBit() {
        const cv::Mat img = textured(200, 200);
        cv::Mat img16;
        img.convertTo(img16, CV_16U, 257.0);
        QCOMPARE(sem::metrics::niqe(img16), sem::metrics::niqe(img));
        cv::Mat gray, gray16;
        cv::extractChannel(img, gray, 1);
        gray.convertTo(gray16, CV_16U, 257.0);
        QCOMPARE(sem::metrics::niqe(gray16), sem::metrics::niqe(gray));
    }

    // A flat image has no defined block features (no negative or positive MSCN value): NaN.
    void flatIsNaN() {
        QVERIFY(std::isnan(sem::metrics::niqe(cv::Mat(192, 288, CV_8UC3, cv::Scalar(90, 120, 200)))));
        QVERIFY(std::isnan(sem::metrics::niqe(cv::Mat(200, 200, CV_8UC1, cv::Scalar(0)))));
    }

    // Blur makes a photo less natural: its NIQE rises well above the original's.
    void blurScoresWorse() {
        const cv::Mat img = cv::imread(SEM_SOURCE_DIR "/resources/samples/coco_000000107438.jpg", cv::IMREAD_COLOR);
        QVERIFY(!img.empty());
        cv::Mat blurred;
        cv::GaussianBlur(img, blurred, cv::Size(0, 0), 3.0);
        QVERIFY(sem::metrics::niqe(blurred) > sem::metrics::niqe(img) + 2.0);
    }

    void badInput() {
        QVERIFY(throwsSemError([] { sem::metrics::niqe(cv::Mat()); }));
        QVERIFY(throwsSemError([] { sem::metrics::niqe(cv::Mat(200, 200, CV_8UC4, cv::Scalar::all(9))); }));
        QVERIFY(throwsSemError([] { sem::metrics::niqe(cv::Mat(200, 200, CV_8UC2, cv::Scalar::all(9))); }));
        QVERIFY(throwsSemError([] { sem::metrics::niqe(cv::Mat(200, 200, CV_32FC3, cv::Scalar::all(9))); }));
        QVERIFY(throwsSemError([] { sem::metrics::niqe(cv::Mat(200, 200, CV_16SC1, cv::Scalar::all(9))); }));
        try {
            sem::metrics::niqe(textured(100, 100));
            QFAIL("no error for a 100x100 image");
        } catch (const sem::Error& e) {
            QVERIFY(std::string(e.what()).find("100x100") != std::string::npos);
        }
    }
};

QTEST_APPLESS_MAIN(TestNiqe)
#include "tst_niqe.moc"
