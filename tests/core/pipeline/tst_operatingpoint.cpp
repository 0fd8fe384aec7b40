// Operating points (`semc eval --points`, RateLadder): SCALE:HINT[:HIGH[:MINLEN]] parsing, text, labels
// and the encoder settings.
#include <QtTest>

#include "core/common/Error.h"
#include "core/pipeline/Encoder.h"
#include "core/pipeline/OperatingPoint.h"
#include "core/pipeline/RateLadder.h"

using namespace sem;

class TestOperatingPoint : public QObject {
    Q_OBJECT
private slots:
    void parsesEveryForm() {
        const auto points = parseOperatingPoints("8:32, 4:16:300 ,0:8,2:4:150:12");
        QCOMPARE(points.size(), std::size_t(4));
        QCOMPARE(points[0].scale, 8);
        QCOMPARE(points[0].hint, 32);
        QCOMPARE(points[0].high, 0.0);
        QCOMPARE(points[0].minLength, 0);
        QCOMPARE(points[1].high, 300.0);
        QVERIFY(!points[2].hasEdges());
        QCOMPARE(points[3].minLength, 12);
        QCOMPARE(points[0].label(false), std::string("edges1/8+hint32"));
        QCOMPARE(points[1].label(true), std::string("edges1/4+hint16+t300+caption"));
        QCOMPARE(points[2].label(false), std::string("hint8+model"));
        QCOMPARE(points[3].label(false), std::string("edges1/2+hint4+t150+m12"));
        QCOMPARE(points[0].hintQuality, -1);
        const auto q = parseOperatingPoints("8:8q20:400,0:4q5")[0];
        QCOMPARE(q.hint, 8);
        QCOMPARE(q.hintQuality, 20);
        QCOMPARE(q.label(false), std::string("edges1/8+hint8q20+t400"));
        QCOMPARE(parseOperatingPoints("0:4q5")[0].label(false), std::string("hint4q5+model"));
    }

    void appliesToTheEncoderOptions() {
        EncodeOptions o;
        const double defaultLow = o.canny.low, defaultHigh = o.canny.high;
        parseOperatingPoints("8:32")[0].apply(o);
        QCOMPARE(o.canny.scaleDenominator, 8);
        QCOMPARE(o.hint.factor, 32);
        QCOMPARE(o.canny.low, defaultLow);
        QCOMPARE(o.canny.high, defaultHigh);
        parseOperatingPoints("2:4:300:7")[0].apply(o);
        QCOMPARE(o.canny.scaleDenominator, 2);
        QCOMPARE(o.canny.high, 300.0);
        QCOMPARE(o.canny.low, 150.0);
        QVERIFY(!o.canny.autoThresholds);
        QCOMPARE(o.canny.minLength, 7);
        QCOMPARE(o.hint.quality, -1);
        o.canny.validate();
        parseOperatingPoints("8:16q40")[0].apply(o);
        QCOMPARE(o.hint.factor, 16);
        QCOMPARE(o.hint.quality, 40);
        o.hint.validate();
    }

    void pointTextParsesBackToTheSameSettings() {
        // point() is what `semc encode --target-bpp` reports and RateLadder's list is made of: every
        // rung's text is its list item, and every text parses back to the same encoder settings.
        const QStringList listed = QString::fromStdString(RateLadder::pointList()).split(',');
        std::vector<OperatingPoint> points = RateLadder::rungs();
        QCOMPARE(listed.size(), static_cast<int>(points.size()));
        for (std::size_t i = 0; i < points.size(); ++i)
            QCOMPARE(QString::fromStdString(points[i].point()), listed[static_cast<int>(i)]);
        for (const char* extra : {"8:32", "2:4:150:12", "0:8q5", "4:16:300", "1:64q90:20"})
            points.push_back(parseOperatingPoints(extra)[0]);
        for (const OperatingPoint& p : points) {
            const OperatingPoint back = parseOperatingPoints(p.point())[0];
            QCOMPARE(back.point(), p.point());
            EncodeOptions a, b;
            back.apply(a);
            p.apply(b);
            QCOMPARE(a.canny.scaleDenominator, b.canny.scaleDenominator);
            QCOMPARE(a.canny.low, b.canny.low);
            QCOMPARE(a.canny.high, b.canny.high);
            QCOMPARE(a.canny.autoThresholds, b.canny.autoThresholds);
            QCOMPARE(a.canny.minLength, b.canny.minLength);
            QCOMPARE(a.hint.factor, b.hint.factor);
            QCOMPARE(a.hint.quality, b.hint.quality);
        }
        QCOMPARE(parseOperatingPoints("8:32")[0].point(), std::string("8:32"));
        QCOMPARE(parseOperatingPoints("2:4:150:12")[0].point(), std::string("2:4:150:12"));
    }

    void refusesBadItems_data() {
        QTest::addColumn<QString>("list");
        QTest::newRow("empty") << "";
        QTest::newRow("only commas") << " , ,";
        QTest::newRow("one field") << "8";
        QTest::newRow("five fields") << "8:32:200:4:1";
        QTest::newRow("bad scale") << "3:16";
        QTest::newRow("bad hint") << "4:12";
        QTest::newRow("zero threshold") << "4:16:0";
        QTest::newRow("huge threshold") << "4:16:5000";
        QTest::newRow("negative") << "4:-16";
        QTest::newRow("trailing colon") << "4:16:";
        QTest::newRow("empty field") << "4::16";
        QTest::newRow("not a number") << "4:sixteen";
        QTest::newRow("overflow") << "4:16:200:99999999999999999999";
        QTest::newRow("quality 0") << "8:8q0";
        QTest::newRow("quality 101") << "8:8q101";
        QTest::newRow("quality missing") << "8:8q";
        QTest::newRow("quality on the scale") << "8q2:8";
        QTest::newRow("quality on the threshold") << "8:8:300q2";
    }

    void refusesBadItems() {
        QFETCH(QString, list);
        try {
            parseOperatingPoints(list.toStdString());
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).startsWith("--points: "), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestOperatingPoint)
#include "tst_operatingpoint.moc"
