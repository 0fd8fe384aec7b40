// Data preparation and batches: shard round trip and refusal of malformed shards, the fixed and
// disjoint split, batch shapes and ranges, dropout rates.
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>

#include "core/common/Error.h"
#include "training/data/BatchSource.h"
#include "training/data/ShardReader.h"
#include "training/data/ShardWriter.h"

using namespace sem::training;

namespace {

// A synthetic photo: gradient background, a few filled shapes.
cv::Mat syntheticImage(int w, int h, int seed) {
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>((x * 255) / w), static_cast<uchar>((y * 255) / h),
                                              static_cast<uchar>((seed * 37) % 256));
    cv::circle(m, cv::Point(w / 3, h / 2), h / 4, cv::Scalar(20, 200, 40), -1);
    cv::rectangle(m, cv::Rect(w / 2, h / 5, w / 4, h / 3), cv::Scalar(200, 30, 30 + seed), -1);
    return m;
}

// 40 images in two folders, captions for the first folder.
void makeDataSet(const QString& root, QString& captionsPath) {
    QDir(root).mkpath("a");
    QDir(root).mkpath("b/c");
    std::ofstream captions((root + "/captions.json").toStdString());
    captions << "{";
    for (int i = 0; i < 40; ++i) {
        const QString name = QString("img%1.jpg").arg(i);
        const QString path = root + (i < 20 ? "/a/" : "/b/c/") + name;
        cv::imwrite(path.toStdString(), syntheticImage(300 + i, 200 + (i % 3) * 20, i));
        if (i < 20)
            captions << (i ? "," : "") << "\"" << name.toStdString() << "\": [\"a green circle " << i
                     << "\", \"red box\"]";
    }
    captions << "}";
    captionsPath = root + "/captions.json";
}

}  // namespace

class TrainingDataTest : public QObject {
    Q_OBJECT
private slots:
    void shardRoundTrip() {
        std::vector<ShardRecord> records(2);
        records[0].name = "x/one.jpg";
        records[0].validation = true;
        records[0].captions = {"first", ""};
        records[0].jpeg = {1, 2, 3};
        records[1].name = "two.png";
        records[1].jpeg = std::vector<std::uint8_t>(1000, 7);
        const auto bytes = ShardWriter::serializeShard(records);
        const auto back = ShardReader::parseShard(bytes, "shard t");
        QCOMPARE(back.size(), std::size_t(2));
        QCOMPARE(back[0].name, records[0].name);
        QCOMPARE(back[0].validation, true);
        QCOMPARE(back[0].captions, records[0].captions);
        QCOMPARE(back[0].jpeg, records[0].jpeg);
        QCOMPARE(back[1].jpeg, records[1].jpeg);
        QCOMPARE(back[1].captions.size(), std::size_t(0));
        // Every truncation and a corrupted magic are refused with an error, never a crash.
        for (std::size_t n = 0; n < bytes.size(); n += 7) {
            std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
            QVERIFY_THROWS_EXCEPTION(sem::Error, ShardReader::parseShard(cut, "shard t"));
        }
        auto bad = bytes;
        bad[0] = 'X';
        QVERIFY_THROWS_EXCEPTION(sem::Error, ShardReader::parseShard(bad, "shard t"));
        bad = bytes;
        bad[8] = 0x7f;  // record count far beyond the data
        QVERIFY_THROWS_EXCEPTION(sem::Error, ShardReader::parseShard(bad, "shard t"));
        bad = bytes;
        bad.push_back(0);
        QVERIFY_THROWS_EXCEPTION(sem::Error, ShardReader::parseShard(bad, "shard t"));
    }

    void splitIsFixedByName() {
        int validation = 0;
        for (int i = 0; i < 4000; ++i) {
            const std::string name = "image" + std::to_string(i) + ".jpg";
            const bool v = ShardWriter::isValidation(name);
            QCOMPARE(ShardWriter::isValidation(name), v);
            validation += v ? 1 : 0;
        }
        QVERIFY2(validation > 120 && validation < 280, qPrintable(QString::number(validation)));  // ~5 %
        QCOMPARE(ShardWriter::isValidation("a.jpg", 0), false);
        QCOMPARE(ShardWriter::isValidation("a.jpg", 100), true);
    }

    void prepareAndRead() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString captions;
        makeDataSet(dir.filePath("data"), captions);
        PrepareOptions o;
        o.dataDirectory = dir.filePath("data").toStdString();
        o.captionsJson = captions.toStdString();
        o.outDirectory = dir.filePath("prepared").toStdString();
        o.maxSide = 128;
        o.shardBytes = 20000;  // several shards
        o.validationPercent = 20;
        const PrepareSummary s = ShardWriter::prepare(o);
        QCOMPARE(s.trainImages + s.validationImages, 40);
        QCOMPARE(s.captionedImages, 20);
        QVERIFY(s.shards > 1);
        const ShardReader reader(o.outDirectory);
        QCOMPARE(reader.records().size(), std::size_t(40));
        const auto train = reader.split(false), val = reader.split(true);
        QCOMPARE(static_cast<int>(val.size()), s.validationImages);
        QCOMPARE(reader.validationNames().size(), val.size());
        std::set<std::string> trainNames, valNames(reader.validationNames().begin(), reader.validationNames().end());
        for (const auto* r : train) {
            trainNames.insert(r->name);
            QVERIFY(!valNames.count(r->name));
        }
        for (const auto* r : val) {
            QVERIFY(valNames.count(r->name));
            const auto slash = r->name.find_last_of('/');
            QVERIFY(ShardWriter::isValidation(r->name.substr(slash + 1), 20));
        }
        for (const auto& r : reader.records()) {
            const cv::Mat m = cv::imdecode(r.jpeg, cv::IMREAD_COLOR);
            QCOMPARE(std::max(m.cols, m.rows), 128);
            QCOMPARE(r.captions.size(), r.name.rfind("a/", 0) == 0 ? std::size_t(2) : std::size_t(0));
        }
        // Preparing again gives the same split.
        o.outDirectory = dir.filePath("again").toStdString();
        ShardWriter::prepare(o);
        QCOMPARE(ShardReader(o.outDirectory).validationNames(), reader.validationNames());
        // A missing or malformed index is refused.
        QVERIFY_THROWS_EXCEPTION(sem::Error, ShardReader(dir.filePath("nothing").toStdString()));
        std::ofstream(dir.filePath("again/index.json").toStdString()) << "{\"format\": 3}";
        QVERIFY_THROWS_EXCEPTION(sem::Error, ShardReader(o.outDirectory));
    }

    void batchesHaveTheRightShapeAndRates() {
        std::vector<ShardRecord> records(3);
        for (int i = 0; i < 3; ++i) {
            records[static_cast<std::size_t>(i)].name = "r" + std::to_string(i);
            records[static_cast<std::size_t>(i)].captions = {"a caption", "another caption"};
            cv::imencode(".jpg", syntheticImage(180, 120 + 10 * i, i), records[static_cast<std::size_t>(i)].jpeg);
        }
        std::vector<const ShardRecord*> pointers{&records[0], &records[1], &records[2]};
        BatchOptions o;
        o.batch = 16;
        o.crop = 64;
        o.seed = 3;
        BatchSource source(pointers, o);
        int samples = 0, captions = 0, hints = 0, noEdges = 0, edgePixels = 0;
        int scales[5] = {0, 0, 0, 0, 0};
        for (int k = 0; k < 25; ++k) {
            const auto b = source.next();
            QCOMPARE(b.size, 16);
            QCOMPARE(b.width, 64);
            QCOMPARE(b.images.size(), std::size_t(16 * 64 * 64 * 3));
            QCOMPARE(b.edges.size(), std::size_t(16 * 64 * 64));
            QCOMPARE(b.hints.size(), b.images.size());
            for (int s = 0; s < b.size; ++s) {
                ++samples;
                const auto si = static_cast<std::size_t>(s);
                captions += b.captions[si].empty() ? 0 : 1;
                hints += b.hasHint[si];
                QVERIFY(b.scaleIndex[si] >= 0 && b.scaleIndex[si] <= 4);
                ++scales[b.scaleIndex[si]];
                bool any = false;
                for (std::size_t p = 0; p < b.pixels(); ++p) {
                    const float e = b.edges[si * b.pixels() + p];
                    QVERIFY(e >= 0.0f && e <= 1.0f);
                    any = any || e > 0.0f;
                }
                edgePixels += any ? 1 : 0;
                if (b.scaleIndex[si] == 4) {
                    ++noEdges;
                    QVERIFY(!any);
                }
                if (!b.hasHint[si])
                    continue;
                // The hint is a low-pass version of the image: closer to it (MSE) than a flat grey image,
                // even at factor 64 where it is about the mean colour.
                double hintErr = 0, greyErr = 0;
                for (std::size_t p = 0; p < b.pixels() * 3; ++p) {
                    const double v = b.images[si * b.pixels() * 3 + p];
                    hintErr += (b.hints[si * b.pixels() * 3 + p] - v) * (b.hints[si * b.pixels() * 3 + p] - v);
                    greyErr += (128.0 - v) * (128.0 - v);
                }
                QVERIFY2(hintErr < 0.8 * greyErr, qPrintable(QString("%1 vs %2").arg(hintErr).arg(greyErr)));
            }
        }
        QCOMPARE(samples, 400);
        // Dropout 15 % each (binomial, 400 samples: about +-7 % at 4 sigma), edges dropped 5 %.
        QVERIFY2(captions > 290 && captions < 390, qPrintable(QString::number(captions)));
        QVERIFY2(hints > 290 && hints < 390, qPrintable(QString::number(hints)));
        QVERIFY2(noEdges < 50, qPrintable(QString::number(noEdges)));
        QVERIFY(scales[1] > 60 && scales[2] > 80);  // 1/2 and 1/4 are the common scales
        // Most crops contain an outline of the shapes (some are plain gradient: no edge at all).
        QVERIFY2(edgePixels > (samples - noEdges) / 2, qPrintable(QString::number(edgePixels)));
        QVERIFY_THROWS_EXCEPTION(sem::Error, BatchSource({}, o));
        o.crop = 50;
        QVERIFY_THROWS_EXCEPTION(sem::Error, BatchSource(pointers, o));
    }

    void scaleAndHintWeightsShapeTheMix()
    {
        std::vector<ShardRecord> records(1);
        records[0].name = "r";
        cv::imencode(".jpg", syntheticImage(160, 128, 5), records[0].jpeg);
        std::vector<const ShardRecord*> pointers{&records[0]};
        BatchOptions o;
        o.batch = 8;
        o.crop = 64;
        o.edgeDropout = 0.0;
        o.scaleWeights = {0.0, 0.0, 0.0, 1.0};  // only 1/8
        BatchSource eighth(pointers, o);
        for (int k = 0; k < 5; ++k)
            for (const int s : eighth.next().scaleIndex)
                QCOMPARE(s, 3);
        o.scaleWeights = {0.0, 1.0, 0.0, 3.0};  // 1/2 and 1/8, three times as often
        BatchSource mixed(pointers, o);
        int half = 0, eighthCount = 0;
        for (int k = 0; k < 50; ++k)
            for (const int s : mixed.next().scaleIndex) {
                QVERIFY(s == 1 || s == 3);
                (s == 1 ? half : eighthCount)++;
            }
        QVERIFY2(eighthCount > 2 * half, qPrintable(QStringLiteral("%1 vs %2").arg(eighthCount).arg(half)));
        // A factor-64 hint of a 64 px crop is one flat colour; a factor-4 hint is not.
        auto hintSpread = [&](std::array<double, 5> weights) {
            BatchOptions h = o;
            h.hintDropout = 0.0;
            h.hintWeights = weights;
            const auto b = BatchSource(pointers, h).next();
            double spread = 0;
            for (std::size_t p = 3; p < b.pixels() * 3; ++p)
                spread += std::abs(double(b.hints[p]) - double(b.hints[p % 3]));
            return spread / double(b.pixels());
        };
        QVERIFY(hintSpread({0, 0, 0, 0, 1}) < 1.0);
        QVERIFY(hintSpread({1, 0, 0, 0, 0}) > 10.0);
        for (const auto& bad : {std::array<double, 4>{0, 0, 0, 0}, std::array<double, 4>{-1, 1, 1, 1},
                                std::array<double, 4>{std::nan(""), 1, 1, 1}}) {
            BatchOptions b = o;
            b.scaleWeights = bad;
            QVERIFY_THROWS_EXCEPTION(sem::Error, BatchSource(pointers, b));
        }
        BatchOptions noHint = o;
        noHint.hintWeights = {0, 0, 0, 0, 0};
        QVERIFY_THROWS_EXCEPTION(sem::Error, BatchSource(pointers, noHint));
    }

    void hintQualityMixAndCannyRangeShapeTheInputs()
    {
        std::vector<ShardRecord> records(1);
        records[0].name = "r";
        cv::imencode(".jpg", syntheticImage(160, 128, 7), records[0].jpeg, {cv::IMWRITE_JPEG_QUALITY, 95});
        std::vector<const ShardRecord*> pointers{&records[0]};
        BatchOptions o;
        o.batch = 8;
        o.crop = 64;
        o.edgeDropout = o.hintDropout = 0.0;
        o.hintWeights = {1, 0, 0, 0, 0};  // factor 4: default quality 2, the lowest
        // Mean squared error of the hint against the crop over 10 batches.
        auto hintError = [&](const BatchOptions& h) {
            BatchSource source(pointers, h);
            double err = 0;
            for (int k = 0; k < 10; ++k) {
                const auto b = source.next();
                for (std::size_t p = 0; p < b.images.size(); ++p)
                    err += (double(b.hints[p]) - double(b.images[p])) * (double(b.hints[p]) - double(b.images[p]));
            }
            return err;
        };
        BatchOptions mixed = o;
        mixed.hintQualityMix = 1.0;  // qualities 1..40, mostly above the default 2: closer hints
        const double atDefault = hintError(o), atRandom = hintError(mixed);
        QVERIFY2(atRandom < 0.9 * atDefault, qPrintable(QStringLiteral("%1 vs %2").arg(atRandom).arg(atDefault)));

        // A higher Canny range gives sparser maps (half of the samples use automatic thresholds).
        auto edgeDensity = [&](double lowMax) {
            BatchOptions e = o;
            e.cannyLowMax = lowMax;
            BatchSource source(pointers, e);
            double on = 0;
            for (int k = 0; k < 10; ++k)
                for (const float v : source.next().edges)
                    on += static_cast<double>(v);
            return on;
        };
        const double dense = edgeDensity(40.0), sparse = edgeDensity(255.0);
        QVERIFY2(sparse < 0.9 * dense, qPrintable(QStringLiteral("%1 vs %2").arg(sparse).arg(dense)));

        for (const double bad : {-0.1, 1.5, std::nan("")}) {
            BatchOptions b = o;
            b.hintQualityMix = bad;
            QVERIFY_THROWS_EXCEPTION(sem::Error, BatchSource(pointers, b));
        }
        for (const double bad : {39.0, 256.0, std::nan("")}) {
            BatchOptions b = o;
            b.cannyLowMax = bad;
            QVERIFY_THROWS_EXCEPTION(sem::Error, BatchSource(pointers, b));
        }
    }
};

QTEST_GUILESS_MAIN(TrainingDataTest)
#include "tst_training.moc"
