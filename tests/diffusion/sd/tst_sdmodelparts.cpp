// Where the parts of a Stable Diffusion model are: a diffusers folder, a single file, a model set.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <string>

#include "diffusion/DiffusionError.h"
#include "diffusion/ModelFamily.h"
#include "diffusion/sd/SdModelParts.h"

using sem::diffusion::sd::SdModelParts;

namespace {

void writeText(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

template <typename F>
std::string refusal(F&& f) {
    try {
        f();
    } catch (const sem::Error& e) {
        return e.what();
    }
    return std::string();
}

}  // namespace

class TestSdModelParts : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    std::string path(const char* name) const { return dir.filePath(name).toStdString(); }

private slots:
    void initTestCase() {
        QDir d(dir.path());
        for (const char* sub : {"sd15/unet", "sd15/vae", "sd15/text_encoder", "sd15/tokenizer", "sd15/scheduler",
                                "sd15/controlnet", "broken/unet"})
            QVERIFY(d.mkpath(sub));
        writeText(dir.filePath("sd15/unet/config.json"), "{}");
        writeText(dir.filePath("sd15/unet/diffusion_pytorch_model.safetensors"), "x");
        writeText(dir.filePath("sd15/tokenizer/vocab.json"), "{}");
        writeText(dir.filePath("sd15/unet/notes.md"), "not part of the model");
        writeText(dir.filePath("v1-5.safetensors"), "x");
        writeText(dir.filePath("canny.safetensors"), "x");
    }
    void diffusersFolder() {
        const SdModelParts parts = SdModelParts::locate(path("sd15"));
        QVERIFY(parts.baseIsFolder);
        QCOMPARE(parts.name, std::string("sd15"));
        QCOMPARE(parts.controlnet, path("sd15/controlnet"));  // the folder's own ControlNet
        const auto files = parts.files();
        QCOMPARE(files.size(), std::size_t(3));  // config.json, weights, vocab.json; not notes.md
        QVERIFY(std::is_sorted(files.begin(), files.end()));
        // --controlnet replaces it.
        QCOMPARE(SdModelParts::locate(path("sd15"), path("canny.safetensors")).controlnet, path("canny.safetensors"));
        QVERIFY(refusal([&] { SdModelParts::locate(path("broken")); }).find("has no vae/ folder") != std::string::npos);
    }
    void singleFile() {
        const SdModelParts parts = SdModelParts::locate(path("v1-5.safetensors"), path("canny.safetensors"));
        QVERIFY(!parts.baseIsFolder);
        QCOMPARE(parts.name, std::string("v1-5"));
        QCOMPARE(parts.files(), (std::vector<std::string>{path("canny.safetensors"), path("v1-5.safetensors")}));
        QVERIFY(refusal([&] { SdModelParts::locate(path("v1-5.safetensors"), path("nope.safetensors")); })
                    .find("the ControlNet") != std::string::npos);
    }
    void modelIdIsCheapAndFollowsTheWeights() {
        const SdModelParts parts = SdModelParts::locate(path("v1-5.safetensors"), path("canny.safetensors"));
        const std::string id = parts.modelId();
        QCOMPARE(id.size(), std::size_t(16));
        QCOMPARE(SdModelParts::locate(path("v1-5.safetensors"), path("canny.safetensors")).modelId(), id);
        // Another ControlNet, another id; a changed weight at the end of a large file, another id.
        QVERIFY(SdModelParts::locate(path("v1-5.safetensors")).modelId() != id);
        QByteArray big(300000, 'w');
        writeText(dir.filePath("big.safetensors"), big);
        const std::string before = SdModelParts::locate(path("big.safetensors")).modelId();
        big[299990] = 'v';
        writeText(dir.filePath("big.safetensors"), big);
        QVERIFY(SdModelParts::locate(path("big.safetensors")).modelId() != before);
    }
    void modelSet() {
        writeText(dir.filePath("set.json"),
                  R"({"family": "sd1", "name": "SD 1.5 + Canny", "base": "v1-5.safetensors", "controlnet": "canny.safetensors"})");
        QCOMPARE(sem::diffusion::detectModelFamily(path("set.json")), sem::diffusion::ModelFamily::StableDiffusion1);
        const SdModelParts parts = SdModelParts::locate(path("set.json"));
        QCOMPARE(parts.name, std::string("SD 1.5 + Canny"));
        QCOMPARE(parts.base, path("v1-5.safetensors"));  // relative to the set's folder
        QCOMPARE(parts.controlnet, path("canny.safetensors"));
        writeText(dir.filePath("missing.json"), R"({"family": "sd1", "base": "v2.safetensors"})");
        QVERIFY(refusal([&] { SdModelParts::locate(path("missing.json")); }).find("base model") != std::string::npos);
    }
    void badModelSets() {
        auto parse = [](const char* text) { return refusal([&] { SdModelParts::parseModelSet(text, "/m"); }); };
        QVERIFY(parse("[1]").find("not a JSON object") != std::string::npos);
        QVERIFY(parse("{\"base\": \"a\"}").find("'family' key is missing") != std::string::npos);
        QVERIFY(parse("{\"family\": \"sdxl\", \"base\": \"a\"}").find("not one this program knows") != std::string::npos);
        QVERIFY(parse("{\"family\": \"sd1\"}").find("'base' key") != std::string::npos);
        QVERIFY(parse("{\"family\": \"sd1\", \"base\": 3}").find("must be a string") != std::string::npos);
        QVERIFY(parse("{\"family\": \"sd1\", \"base\": \"a\", \"lora\": \"b\"}").find("unknown key 'lora'") != std::string::npos);
        QCOMPARE(SdModelParts::parseModelSet(R"({"family": "sd1", "base": "/abs/m.safetensors"})", "/m").base,
                 std::string("/abs/m.safetensors"));
        // "ladder" names the model's rate ladder (docs/LADDER.md): accepted here, read by the encoder.
        QCOMPARE(SdModelParts::parseModelSet(R"({"family": "sd1", "base": "b.safetensors", "ladder": "l.json"})", "/m").base,
                 std::string("/m/b.safetensors"));
        writeText(dir.filePath("other.json"), R"({"family": "sd3", "base": "x"})");
        QVERIFY(refusal([&] { sem::diffusion::detectModelFamily(path("other.json")); }).find("sd3") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestSdModelParts)
#include "tst_sdmodelparts.moc"
