// The sample pool of the torch-only trainer: written and read back, malformed files refused, and
// the sample order that splits each global batch between the ranks.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <set>

#include "core/common/Error.h"
#include "training/pool/SampleOrder.h"
#include "training/pool/SamplePool.h"
#include "training/pool/SamplePoolWriter.h"

using namespace sem::training;

namespace {

TrainingBatch samples(int n, int seed)
{
    TrainingBatch b = TrainingBatch::allocate(n, 32);
    for (std::size_t i = 0; i < b.images.size(); ++i)
        b.images[i] = static_cast<std::uint8_t>((i * 7 + static_cast<std::size_t>(seed)) % 256);
    for (std::size_t i = 0; i < b.edges.size(); ++i)
        b.edges[i] = static_cast<float>((i + static_cast<std::size_t>(seed)) % 2);
    for (int s = 0; s < n; ++s) {
        b.captions[static_cast<std::size_t>(s)] = "caption " + std::to_string(seed + s);
        b.scaleIndex[static_cast<std::size_t>(s)] = s % 5;
        b.hasHint[static_cast<std::size_t>(s)] = static_cast<std::uint8_t>(s % 2);
    }
    return b;
}

}  // namespace

class TestSamplePool : public QObject {
    Q_OBJECT
private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        SamplePoolWriter writer(dir.path().toStdString(), 3);
        const TrainingBatch train = samples(7, 1), validation = samples(2, 9);
        writer.add(train, false);
        writer.add(validation, true);
        writer.finish({"a b", "a"}, "test data", "{\"edge_dropout\": 0.25}");
        SamplePool pool(dir.path().toStdString());
        QCOMPARE(pool.trainCount(), 7ull);
        QCOMPARE(pool.crop(), 32);
        QCOMPARE(pool.edgeDropout(), 0.25);
        QCOMPARE(pool.dataDescription(), std::string("test data"));
        const TrainingBatch back = pool.batch({0, 1, 2, 3, 4, 5, 6});
        QVERIFY(back.images == train.images);
        QVERIFY(back.edges == train.edges);  // 0/1 survive the 8-bit storage exactly
        QVERIFY(back.captions == train.captions);
        QVERIFY(back.scaleIndex == train.scaleIndex);
        QVERIFY(back.hasHint == train.hasHint);
        const auto val = pool.validationBatches(8);
        QCOMPARE(val.size(), std::size_t(1));
        QVERIFY(val[0].captions == validation.captions);
        QVERIFY_THROWS_EXCEPTION(sem::Error, pool.batch({7}));
    }

    void malformedFilesAreRefused()
    {
        QTemporaryDir dir;
        SamplePoolWriter writer(dir.path().toStdString(), 4);
        writer.add(samples(4, 1), false);
        writer.add(samples(1, 2), true);
        writer.finish({}, "", "{}");
        const std::string file = dir.filePath("train-000.bin").toStdString();
        QFile f(QString::fromStdString(file));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray all = f.readAll();
        f.close();
        const std::vector<char> bytes(all.begin(), all.end());
        auto refused = [&](std::vector<char> b) {
            std::ofstream(file, std::ios::binary | std::ios::trunc).write(b.data(), static_cast<std::streamsize>(b.size()));
            try {
                SamplePool pool(dir.path().toStdString());
                pool.batch({0, 1, 2, 3});
            } catch (const sem::Error&) {
                return true;
            }
            return false;
        };
        std::vector<char> cut(bytes.begin(), bytes.end() - 1);
        QVERIFY(refused(cut));
        std::vector<char> magic = bytes;
        magic.at(0) = 'X';
        QVERIFY(refused(magic));
        std::vector<char> count = bytes;
        count.at(12) = 100;  // more samples than the file holds
        QVERIFY(refused(count));
        std::vector<char> scale = bytes;
        scale.at(16 + 4 * 8) = 9;  // the first record's scale index
        QVERIFY(refused(scale));
        QVERIFY(!refused(bytes));
    }

    void ranksTakeDisjointSlicesOfOneOrder()
    {
        // One process at batch 8 and two at batch 4 see the same samples in the same slots.
        SampleOrder single(10, 3), rank0(10, 3), rank1(10, 3);
        std::multiset<std::uint64_t> epoch;
        for (std::uint64_t step = 0; step < 5; ++step) {
            const auto all = single.at(step * 8, 8);
            const auto a = rank0.at(step * 8, 4), b = rank1.at(step * 8 + 4, 4);
            QVERIFY(std::equal(a.begin(), a.end(), all.begin()));
            QVERIFY(std::equal(b.begin(), b.end(), all.begin() + 4));
        }
        for (std::uint64_t i : single.at(10, 10))  // each epoch is a permutation
            epoch.insert(i);
        QCOMPARE(epoch.size(), std::size_t(10));
        QCOMPARE(std::set<std::uint64_t>(epoch.begin(), epoch.end()).size(), std::size_t(10));
    }
};

QTEST_APPLESS_MAIN(TestSamplePool)
#include "tst_samplepool.moc"
