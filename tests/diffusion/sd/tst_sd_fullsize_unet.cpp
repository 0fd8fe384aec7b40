// The full-size Stable Diffusion 1.5 UNet and ControlNet v1.1 (Canny) built with our modules on the meta
// device: every tensor name and shape equals the published files' (the reference manifests), the parameter
// counts are 859,520,964 and 361,279,120, and the single-file key map sends every original name to its
// diffusers name. Nothing is allocated (the UNet would be 3.4 GB in fp32).
#include <QtTest>

#include "FullSizeUNet.h"

using namespace sem::diffusion::sd::test;

class TestSdFullSizeUNet : public QObject {
    Q_OBJECT
    const std::string dir = SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures/manifest/";

private slots:
    void unetMatchesManifest() {
        const ManifestCheck r = checkFullSizeAgainstManifest(dir + "sd15_unet_diffusers.txt", false);
        QVERIFY2(r.mismatch.empty(), r.mismatch.c_str());
        QCOMPARE(r.tensors, 686);
        QCOMPARE(r.parameters, std::int64_t{859520964});
        QVERIFY(r.metaOnly);
    }
    void controlNetMatchesManifest() {
        const ManifestCheck r = checkFullSizeAgainstManifest(dir + "sd15_controlnet_diffusers.txt", true);
        QVERIFY2(r.mismatch.empty(), r.mismatch.c_str());
        QCOMPARE(r.tensors, 340);
        QCOMPARE(r.parameters, std::int64_t{361279120});
        QVERIFY(r.metaOnly);
    }
    void singleFileKeyMap() {
        int checked = 0;
        const std::string unet = checkKeyMap(dir + "sd15_unet_original_to_diffusers.txt", false, checked);
        QVERIFY2(unet.empty(), unet.c_str());
        QCOMPARE(checked, 686);
        const std::string cn = checkKeyMap(dir + "controlnet_original_to_diffusers.txt", true, checked);
        QVERIFY2(cn.empty(), cn.c_str());
        QCOMPARE(checked, 340);
    }
};

QTEST_GUILESS_MAIN(TestSdFullSizeUNet)
#include "tst_sd_fullsize_unet.moc"
