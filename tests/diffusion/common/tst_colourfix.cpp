// The wavelet colour fix: the reference's low frequencies, the image's detail.
#include <QtTest>

#include "ColourFixChecks.h"

using namespace sem::diffusion::checks;

class TestColourFix : public QObject {
    Q_OBJECT

private slots:
    void fixOfItselfIsItself() { QVERIFY(colourFixOfItselfError() < 1e-5); }
    void takesTheReferencesColours() { QVERIFY(colourFixTakesTheReferenceOffsetError() < 1e-5); }
    void keepsTheImagesDetail() {
        const double kept = colourFixKeepsDetail();
        QVERIFY2(kept > 0.95 && kept < 1.05, qPrintable(QString::number(kept)));
    }
    void blursWiderThanTheImage() { QVERIFY(colourFixOnATinyImage() < 1e-5); }
};

QTEST_GUILESS_MAIN(TestColourFix)
#include "tst_colourfix.moc"
