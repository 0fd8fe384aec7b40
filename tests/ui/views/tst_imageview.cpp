#include <QtTest>

#include "ui/views/ImagePyramid.h"
#include "ui/views/ImageView.h"

using sem::ui::ImageView;

namespace {

QImage solid(QSize size, QColor colour)
{
    QImage img(size, QImage::Format_RGB32);
    img.fill(colour);
    return img;
}

}  // namespace

class TestImageView : public QObject {
    Q_OBJECT
private slots:
    void fitAndSteps()
    {
        ImageView v;
        v.resize(200, 150);
        v.setImageSize(QSize(400, 300));
        QVERIFY(v.isFitMode());
        QCOMPARE(v.zoom(), 0.5);
        QSignalSpy zoomed(&v, &ImageView::zoomChanged);
        v.zoomIn();
        QVERIFY(!v.isFitMode());
        QCOMPARE(v.zoom(), 2.0 / 3.0);
        v.zoomIn();
        QCOMPARE(v.zoom(), 1.0);
        v.zoomOut();
        v.zoomOut();
        QCOMPARE(v.zoom(), 0.5);
        QCOMPARE(zoomed.count(), 4);
        v.setZoom(1000.0);
        QCOMPARE(v.zoom(), ImageView::kMaxZoom);
        v.zoomToFit();
        QVERIFY(v.isFitMode());
        QCOMPARE(v.zoom(), 0.5);
        QCOMPARE(v.viewCenter(), QPointF(200, 150));
        v.resize(400, 150);  // fit follows the widget size
        QCOMPARE(v.zoom(), 0.5);
        v.resize(800, 600);
        QCOMPARE(v.zoom(), 2.0);
    }
    void wheelZoomKeepsThePointUnderTheCursor()
    {
        ImageView v;
        v.resize(300, 200);
        v.setImageSize(QSize(600, 400));
        const QPointF cursor(60, 50);
        const QPointF before = v.widgetToImage(cursor);
        v.zoomAt(2.0, cursor);
        QCOMPARE(v.zoom(), 2.0);
        const QPointF after = v.widgetToImage(cursor);
        QVERIFY(qAbs(before.x() - after.x()) < 1e-9 && qAbs(before.y() - after.y()) < 1e-9);
        QCOMPARE(v.imageToWidget(after), cursor);
    }
    void panMovesTheCentreAndStaysInside()
    {
        ImageView v;
        v.resize(200, 200);
        v.setImageSize(QSize(1000, 1000));
        v.setZoom(1.0);
        QCOMPARE(v.viewCenter(), QPointF(500, 500));
        QTest::mousePress(&v, Qt::LeftButton, {}, QPoint(100, 100));
        QTest::mouseMove(&v, QPoint(70, 80));
        QTest::mouseRelease(&v, Qt::LeftButton, {}, QPoint(70, 80));
        QCOMPARE(v.viewCenter(), QPointF(530, 520));
        v.panBy(QPointF(5000, 5000));
        QCOMPARE(v.viewCenter(), QPointF(0, 0));
    }
    void splitPositionAndDividerDrag()
    {
        ImageView v;
        v.resize(400, 200);
        v.setImageSize(QSize(400, 200));
        v.setSplit(true);
        QSignalSpy moved(&v, &ImageView::splitPositionChanged);
        v.setSplitPosition(0.25);
        QCOMPARE(v.splitPosition(), 0.25);
        v.setSplitPosition(1.5);
        QCOMPARE(v.splitPosition(), 1.0);
        v.setSplitPosition(0.5);
        QCOMPARE(moved.count(), 3);
        // Grab the divider at x = 200 and drag it to x = 300: the view does not pan.
        const QPointF centre = v.viewCenter();
        QTest::mousePress(&v, Qt::LeftButton, {}, QPoint(201, 100));
        QTest::mouseMove(&v, QPoint(300, 100));
        QTest::mouseRelease(&v, Qt::LeftButton, {}, QPoint(300, 100));
        QCOMPARE(v.splitPosition(), 0.75);
        QCOMPARE(v.viewCenter(), centre);
    }
    // A layer's note (its NIQE) follows its name in the split labels and the tooltip, and goes
    // with the layer's image.
    void layerNotesFollowTheNames()
    {
        ImageView v;
        v.setImageSize(QSize(100, 50));
        v.setOriginal(solid(QSize(100, 50), Qt::red));
        v.setLayerImage(ImageView::Layer::Jpeg, sem::ui::ImagePyramid(solid(QSize(100, 50), Qt::blue)));
        QCOMPARE(v.labelText(ImageView::Layer::Jpeg), ImageView::layerName(ImageView::Layer::Jpeg));
        v.setLayerNote(ImageView::Layer::Jpeg, "NIQE 7.25");
        v.setLayerNote(ImageView::Layer::Original, "NIQE 3.10");
        QCOMPARE(v.labelText(ImageView::Layer::Jpeg), ImageView::layerName(ImageView::Layer::Jpeg) + " · NIQE 7.25");
        v.setLayer(ImageView::Layer::Original);
        v.setSecondLayer(ImageView::Layer::Jpeg);
        v.setSplit(true);
        QVERIFY(v.toolTip().contains("NIQE 3.10") && v.toolTip().contains("NIQE 7.25"));
        v.setSplit(false);
        QVERIFY(!v.toolTip().contains("NIQE 7.25"));
        v.setLayerImage(ImageView::Layer::Jpeg, sem::ui::ImagePyramid());  // a stale compare layer
        QCOMPARE(v.layerNote(ImageView::Layer::Jpeg), QString());
        QCOMPARE(v.layerNote(ImageView::Layer::Original), QString("NIQE 3.10"));
        v.clear();
        QCOMPARE(v.layerNote(ImageView::Layer::Original), QString());
    }

    void renderSplitShowsBothLayers()
    {
        ImageView v;
        v.resize(200, 150);             // the minimum size
        v.setImageSize(QSize(100, 50));  // fit: 2 widget pixels per image pixel, divider at x = 60 -> image 30
        v.setOriginal(solid(QSize(100, 50), Qt::red));
        v.setHint(solid(QSize(100, 50), Qt::blue));
        v.setLayer(ImageView::Layer::Original);
        v.setSecondLayer(ImageView::Layer::Hint);
        v.setSplit(true);
        v.setSplitPosition(0.3);
        const QImage out = v.renderImage();
        QCOMPARE(out.size(), QSize(100, 50));
        QCOMPARE(out.pixel(10, 25), qRgb(255, 0, 0));
        QCOMPARE(out.pixel(29, 25), qRgb(255, 0, 0));
        QCOMPARE(out.pixel(31, 25), qRgb(0, 0, 255));
        QCOMPARE(out.pixel(99, 49), qRgb(0, 0, 255));
        v.setSplit(false);
        QCOMPARE(v.renderImage().pixel(99, 49), qRgb(255, 0, 0));
    }
    void edgeOverlayIsDrawnOverADimmedOriginal()
    {
        ImageView v;
        v.setImageSize(QSize(8, 8));
        v.setOriginal(solid(QSize(8, 8), QColor(200, 200, 200)));
        QImage edges(2, 2, QImage::Format_ARGB32);  // a map at 1/4 scale
        edges.fill(Qt::transparent);
        edges.setPixel(1, 1, qRgba(255, 255, 255, 255));
        v.setEdgeOverlay(edges);
        v.setLayer(ImageView::Layer::Edges);
        const QImage out = v.renderImage();
        QCOMPARE(out.pixel(5, 5), qRgb(255, 255, 255));  // inside the edge pixel's 4x4 block
        QVERIFY(qRed(out.pixel(1, 1)) < 100);            // dimmed original
        QVERIFY(qRed(out.pixel(1, 1)) > 20);
    }
    void pyramidLevelsAndDisplayCache()
    {
        const sem::ui::ImagePyramid pyr(solid(QSize(2000, 1200), Qt::green), 256);
        QCOMPARE(pyr.levelCount(), 3);  // 2000, 1000, 500 wide (250 would drop below 256)
        QCOMPARE(pyr.levelFor(1.0).width(), 2000);
        QCOMPARE(pyr.levelFor(0.5).width(), 1000);
        QCOMPARE(pyr.levelFor(0.3).width(), 1000);  // never below the display size
        QCOMPARE(pyr.levelFor(0.1).width(), 500);
        const QImage& d = pyr.displayImage(0.27);
        QCOMPARE(d.size(), QSize(540, 324));
        QCOMPARE(d.pixel(10, 10), qRgb(0, 255, 0));
        QCOMPARE(pyr.displayImage(0.27).constBits(), d.constBits());  // cached
        QVERIFY(pyr.displayImage(4.0).isNull());  // 8000 x 4800 would be too large: drawn clipped
        QVERIFY(sem::ui::ImagePyramid().isNull());
    }
    void zoomedInViewMatchesTheImage()
    {
        ImageView v;
        v.resize(200, 200);
        QImage img(50, 50, QImage::Format_RGB32);
        img.fill(Qt::black);
        img.setPixel(25, 25, qRgb(255, 255, 255));
        v.setImageSize(img.size());
        v.setOriginal(img);
        v.setZoom(4.0);  // image point (25, 25) at the widget centre: pixel 25 covers 100..103
        const QImage shown = v.grab().toImage();
        QCOMPARE(shown.pixel(101, 101), qRgb(255, 255, 255));
        QCOMPARE(shown.pixel(98, 98), qRgb(0, 0, 0));
    }
    void missingLayersDrawAPlaceholder()
    {
        ImageView v;
        v.setImageSize(QSize(64, 32));
        v.setLayer(ImageView::Layer::Hint);
        const QImage out = v.renderImage();
        QCOMPARE(out.size(), QSize(64, 32));
        QVERIFY(!v.hasOriginal());
        v.clear();
        QVERIFY(v.renderImage().isNull());
    }
};

QTEST_MAIN(TestImageView)
#include "tst_imageview.moc"
