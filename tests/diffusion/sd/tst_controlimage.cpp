// The control image of a Canny ControlNet from an edge map at 1/d scale: block, thinned and linked.
#include <QtTest>

#include <string>
#include <vector>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/ControlImage.h"

using namespace sem::diffusion::sd;

namespace {

struct Map {
    int width, height;
    std::vector<std::uint8_t> pixels;
    void set(int x, int y) { pixels[static_cast<std::size_t>(y * width + x)] = 255; }
};

Map emptyMap(int w, int h) { return Map{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w * h), 0)}; }

int count(const ControlImage& image) {
    int n = 0;
    for (const auto p : image.pixels)
        n += p ? 1 : 0;
    return n;
}

bool on(const ControlImage& image, int x, int y) { return image.pixels[static_cast<std::size_t>(y * image.width + x)] != 0; }

// True when some 2x2 square is all edge: the line is thicker than one pixel there.
bool hasThickSpot(const ControlImage& image) {
    for (int y = 0; y + 1 < image.height; ++y)
        for (int x = 0; x + 1 < image.width; ++x)
            if (on(image, x, y) && on(image, x + 1, y) && on(image, x, y + 1) && on(image, x + 1, y + 1))
                return true;
    return false;
}

}  // namespace

class TestControlImage : public QObject {
    Q_OBJECT

private slots:
    void names() {
        ControlPreparation p{};
        for (const char* name : {"nearest", "thinned", "linked"}) {
            QVERIFY(controlPreparationFromName(name, p));
            QCOMPARE(controlPreparationName(p), std::string(name));
        }
        QVERIFY(!controlPreparationFromName("bicubic", p));
    }
    void nearestMakesBlocks() {
        Map m = emptyMap(4, 4);
        m.set(1, 2);
        const ControlImage c = prepareControlImage(m.pixels, 4, 4, 16, 16, ControlPreparation::Nearest);
        QCOMPARE(count(c), 16);  // one 4x4 block
        QVERIFY(on(c, 4, 8) && on(c, 7, 11) && !on(c, 8, 8) && !on(c, 3, 8));
    }
    void horizontalLineAtTheBlockCentres() {
        Map m = emptyMap(8, 4);
        for (int x = 1; x < 7; ++x)
            m.set(x, 1);
        for (const auto prep : {ControlPreparation::Thinned, ControlPreparation::Linked}) {
            const ControlImage c = prepareControlImage(m.pixels, 8, 4, 32, 16, prep);
            QVERIFY2(!hasThickSpot(c), qPrintable(QString::fromStdString(controlPreparationName(prep))));
            // One pixel per column over the run, within the blocks' rows (4..7).
            int rows = 0;
            for (int y = 0; y < 16; ++y)
                rows += on(c, 12, y) ? 1 : 0;
            QCOMPARE(rows, 1);
            for (int y = 0; y < 16; ++y)
                if (on(c, 12, y))
                    QVERIFY(y >= 4 && y <= 7);
        }
        const ControlImage linked = prepareControlImage(m.pixels, 8, 4, 32, 16, ControlPreparation::Linked);
        QCOMPARE(count(linked), 5 * 4 + 1);  // from the centre of map pixel 1 to that of pixel 6
    }
    void diagonalStaysConnectedAndThin() {
        Map m = emptyMap(6, 6);
        for (int i = 0; i < 6; ++i)
            m.set(i, i);
        const ControlImage c = prepareControlImage(m.pixels, 6, 6, 48, 48, ControlPreparation::Linked);
        QVERIFY(!hasThickSpot(c));
        // 8-connected from the first centre to the last: every row between has a pixel.
        for (int y = 4; y <= 44; ++y) {
            bool any = false;
            for (int x = 0; x < 48; ++x)
                any = any || on(c, x, y);
            QVERIFY2(any, qPrintable(QString("row %1").arg(y)));
        }
        const ControlImage thinned = prepareControlImage(m.pixels, 6, 6, 48, 48, ControlPreparation::Thinned);
        QVERIFY(!hasThickSpot(thinned));
        QVERIFY(count(thinned) < count(prepareControlImage(m.pixels, 6, 6, 48, 48, ControlPreparation::Nearest)) / 4);
    }
    void lCornerHasNoHypotenuse() {
        Map m = emptyMap(3, 3);
        m.set(0, 0);
        m.set(1, 0);
        m.set(1, 1);
        const ControlImage c = prepareControlImage(m.pixels, 3, 3, 3, 3, ControlPreparation::Linked);
        QCOMPARE(count(c), 3);  // at scale 1 the map itself: no diagonal segment added
    }
    void sameSizeIsTheMapItself() {
        Map m = emptyMap(5, 5);
        m.set(2, 0);
        m.set(2, 1);
        m.set(4, 4);
        for (const auto prep : {ControlPreparation::Nearest, ControlPreparation::Linked})
            QVERIFY(prepareControlImage(m.pixels, 5, 5, 5, 5, prep).pixels == m.pixels);
    }
    void workingSizes() {
        QCOMPARE(workingSize(768, 512, 768), std::make_pair(768, 512));
        QCOMPARE(workingSize(640, 427, 768), std::make_pair(768, 512));   // 512.4 -> 512
        QCOMPARE(workingSize(4000, 3000, 768), std::make_pair(768, 576));
        QCOMPARE(workingSize(100, 2000, 512), std::make_pair(64, 512));   // at least 64
        QCOMPARE(workingSize(333, 333, 512), std::make_pair(512, 512));
    }
    void badSizesAreRefused() {
        const std::vector<std::uint8_t> pixels(12, 0);
        QVERIFY_THROWS_EXCEPTION(sem::diffusion::Error,
                                 prepareControlImage(pixels, 4, 4, 16, 16, ControlPreparation::Linked));
        QVERIFY_THROWS_EXCEPTION(sem::diffusion::Error,
                                 prepareControlImage(pixels, 4, 3, 0, 16, ControlPreparation::Linked));
        QVERIFY_THROWS_EXCEPTION(sem::diffusion::Error,
                                 prepareControlImage(pixels, 4, 3, 20000, 16, ControlPreparation::Linked));
    }
};

QTEST_GUILESS_MAIN(TestControlImage)
#include "tst_controlimage.moc"
