// `semc eval`'s sampled decodes at the rate targets: per image the rung the rate-target curve picks,
// decoded at the strength and from noise (once per rung), scored, recorded and averaged.
#include <QtTest>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli/eval/SampledAtTargets.h"

using namespace sem::cli;

namespace {

// A fake decoder and scorer: the decode of rung r at strength s is a 1x1 image holding r and s, whose
// "PSNR" is 10 * (r + 1) + 5 * s and whose "NIQE" is 10 - 4 * s.
struct Fake {
    std::map<std::pair<std::size_t, float>, int> calls;
    std::vector<std::pair<std::string, std::string>> records;
    SampledAtTargets::Decode decode()
    {
        return [this](std::size_t rung, float strength) {
            ++calls[{rung, strength}];
            return cv::Mat((cv::Mat_<float>(1, 2) << static_cast<float>(rung), strength));
        };
    }
    static BdPoint score(const cv::Mat& m, double bpp)
    {
        const double rung = m.at<float>(0, 0), strength = m.at<float>(0, 1);
        return {bpp, 10.0 * (rung + 1) + 5.0 * strength, 0.1 * strength, 0.2 * strength, 10.0 - 4.0 * strength};
    }
    SampledAtTargets::Record record()
    {
        return [this](const std::string& series, const std::string& setting, const BdPoint&) {
            records.emplace_back(series, setting);
        };
    }
};

}  // namespace

class TestSampledAtTargets : public QObject {
    Q_OBJECT
private slots:
    void decodesEachPickedRungOnceAtBothStrengths()
    {
        SampledAtTargets s({0.004, 0.01, 0.05, 0.08}, 20, 0.35f);
        Fake f;
        // Rung 1 is cheaper than rung 0 would allow at 0.01: the last fitting one is picked, as in LadderCurve.
        const std::vector<BdPoint> fidelity = {{0.006, 17, 0.3, 0.4, 12}, {0.009, 18, 0.35, 0.45, 11}, {0.04, 20, 0.4, 0.5, 9}};
        const nlohmann::json rungs = s.addImage(fidelity, {"a", "b", "c"}, 4.0, f.decode(), Fake::score, f.record());
        // 0.004: nothing fits. 0.01 -> rung 1; 0.05 and 0.08 -> rung 2, decoded once.
        QCOMPARE(rungs.size(), std::size_t(3));
        QCOMPARE(rungs["0.010"].get<std::string>(), std::string("b"));
        QCOMPARE(rungs["0.080"].get<std::string>(), std::string("c"));
        QCOMPARE(f.calls.size(), std::size_t(4));
        for (const auto& [key, n] : f.calls) {
            QVERIFY(key.first == 1 || key.first == 2);
            QVERIFY(key.second == 0.35f || key.second == 1.0f);
            QCOMPARE(n, 1);
        }
        // Two rows per target reached, named by strength and target.
        QCOMPARE(f.records.size(), std::size_t(6));
        QCOMPARE(f.records[0].first, std::string("sampled"));
        QCOMPARE(f.records[0].second, std::string("strength 0.35@0.010"));
        QCOMPARE(f.records[1].second, std::string("from noise@0.010"));
        QCOMPARE(s.imageCount(), 1);

        // A second image that does not reach 0.01: that target leaves every curve.
        s.addImage({{0.02, 19, 0.3, 0.4, 10}, {0.03, 21, 0.3, 0.4, 10}}, {"a", "b"}, 6.0, f.decode(), Fake::score,
                   f.record());
        const auto series = s.series(5);
        QCOMPARE(series.size(), std::size_t(2));
        QCOMPARE(series[0].name, std::string("semantic sampled 0.35 (2 of 5)"));
        QCOMPARE(series[1].name, std::string("semantic from noise (2 of 5)"));
        QCOMPARE(series[0].points.size(), std::size_t(2));  // 0.05 and 0.08
        // 0.05: rung 2 of the first image (PSNR 30 + 1.75), rung 1 of the second (20 + 1.75).
        QCOMPARE(series[0].points[0].bpp, (0.04 + 0.03) / 2);
        QVERIFY(qAbs(series[0].points[0].psnr - (31.75 + 21.75) / 2) < 1e-6);
        QVERIFY(qAbs(series[1].points[0].psnr - (35.0 + 25.0) / 2) < 1e-9);
        QVERIFY(qAbs(series[0].points[0].niqe - 8.6) < 1e-6);
        QVERIFY(qAbs(series[1].points[0].niqe - 6.0) < 1e-9);
        QCOMPARE(s.series(2)[0].name, std::string("semantic sampled 0.35"));

        const nlohmann::json j = s.json();
        QCOMPARE(j["images"].get<int>(), 2);
        QCOMPARE(j["original_niqe"].get<double>(), 5.0);
        QCOMPARE(j["targets"].size(), std::size_t(2));
        QCOMPARE(j["targets"][0]["target_bpp"].get<double>(), 0.05);
        QCOMPARE(j["targets"][0]["fidelity"]["psnr"].get<double>(), (20.0 + 21.0) / 2);
        const std::string table = s.markdownTable();
        QVERIFY(table.find("| 0.050 | 0.0350, 20.50 dB") != std::string::npos);
        QVERIFY(table.find("| 0.010 |") == std::string::npos);
        QVERIFY(table.find("the originals | NIQE 5.0000") != std::string::npos);
    }

    // Strength 1 is the decode from noise: one decode per rung, one curve.
    void strengthOneDecodesOnce()
    {
        SampledAtTargets s({0.05}, 4, 1.0f);
        Fake f;
        s.addImage({{0.01, 17}}, {"a"}, 4.0, f.decode(), Fake::score, f.record());
        QCOMPARE(f.calls.size(), std::size_t(1));
        QCOMPARE(f.records.size(), std::size_t(1));
        QCOMPARE(f.records[0].second, std::string("from noise@0.050"));
        QCOMPARE(s.series(1).size(), std::size_t(1));
    }

    void rejectsBadInput()
    {
        QVERIFY_THROWS_EXCEPTION(std::exception, SampledAtTargets({0.05}, 0, 0.35f));
        QVERIFY_THROWS_EXCEPTION(std::exception, SampledAtTargets({0.05}, 20, 0.0f));
        SampledAtTargets s({0.05}, 20, 0.35f);
        Fake f;
        QVERIFY_THROWS_EXCEPTION(std::exception, s.addImage({{0.01, 17}}, {}, 4.0, f.decode(), Fake::score, f.record()));
    }
};

QTEST_GUILESS_MAIN(TestSampledAtTargets)
#include "tst_sampledattargets.moc"
