// Model family detection (diffusion/ModelFamily): what a model path holds decides the backend.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <string>

#include "diffusion/DiffusionError.h"
#include "diffusion/ModelFamily.h"
#include "diffusion/SafeTensors.h"

using sem::diffusion::detectModelFamily;
using sem::diffusion::ModelFamily;
using sem::diffusion::SafeTensors;

namespace {

// A safetensors file holding one small float32 tensor per name.
void writeCheckpoint(const QString& path, const std::vector<std::string>& names) {
    std::map<std::string, SafeTensors::Tensor> tensors;
    for (const auto& n : names)
        tensors[n] = SafeTensors::Tensor{{2}, {1.0f, 2.0f}};
    SafeTensors::write(path.toStdString(), tensors);
}

void writeText(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

std::string refusal(const QString& path) {
    try {
        detectModelFamily(path.toStdString());
    } catch (const sem::Error& e) {
        return e.what();
    }
    return std::string();
}

}  // namespace

class TestModelFamily : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private slots:
    void builtInFolderAndFile() {
        QDir(dir.path()).mkdir("builtin");
        writeCheckpoint(dir.filePath("builtin/model.safetensors"), {"unet.inConv.weight"});
        writeText(dir.filePath("builtin/model.json"), "{}");
        QCOMPARE(detectModelFamily(dir.filePath("builtin").toStdString()), ModelFamily::BuiltIn);
        // A .safetensors file with the card of the same stem beside it.
        writeCheckpoint(dir.filePath("mine.safetensors"), {"unet.inConv.weight"});
        writeText(dir.filePath("mine.json"), "{}");
        QCOMPARE(detectModelFamily(dir.filePath("mine.safetensors").toStdString()), ModelFamily::BuiltIn);
        QCOMPARE(sem::diffusion::familyName(ModelFamily::BuiltIn), std::string("built-in"));
    }
    void stableDiffusionLayouts() {
        QDir(dir.path()).mkpath("diffusers/unet");
        QCOMPARE(detectModelFamily(dir.filePath("diffusers").toStdString()), ModelFamily::StableDiffusion1);
        QDir(dir.path()).mkdir("indexed");
        writeText(dir.filePath("indexed/model_index.json"), "{}");
        QCOMPARE(detectModelFamily(dir.filePath("indexed").toStdString()), ModelFamily::StableDiffusion1);
        writeCheckpoint(dir.filePath("v1-5.safetensors"),
                        {"model.diffusion_model.input_blocks.0.0.weight", "first_stage_model.encoder.conv_in.weight",
                         "cond_stage_model.transformer.text_model.final_layer_norm.weight"});
        QCOMPARE(detectModelFamily(dir.filePath("v1-5.safetensors").toStdString()), ModelFamily::StableDiffusion1);
        QCOMPARE(sem::diffusion::familyName(ModelFamily::StableDiffusion1), std::string("sd1"));
    }
    void otherFilesAreNamed() {
        writeCheckpoint(dir.filePath("control_v11p_sd15_canny.safetensors"), {"control_model.input_hint_block.0.weight"});
        QVERIFY(refusal(dir.filePath("control_v11p_sd15_canny.safetensors")).find("ControlNet") != std::string::npos);
        writeCheckpoint(dir.filePath("lora.safetensors"), {"lora_unet_down_blocks_0_attentions_0.alpha"});
        QVERIFY(refusal(dir.filePath("lora.safetensors")).find("LoRA") != std::string::npos);
        writeCheckpoint(dir.filePath("vae.safetensors"), {"encoder.conv_in.weight"});
        QVERIFY(refusal(dir.filePath("vae.safetensors")).find("no model this program knows") != std::string::npos);
    }
    void badFilesAreRefused() {
        writeText(dir.filePath("short.safetensors"), "abc");
        QVERIFY(refusal(dir.filePath("short.safetensors")).find("shorter than 8 bytes") != std::string::npos);
        writeText(dir.filePath("huge.safetensors"), QByteArray("\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10));
        QVERIFY(refusal(dir.filePath("huge.safetensors")).find("header length is invalid") != std::string::npos);
        writeText(dir.filePath("cut.safetensors"), QByteArray("\x40\x00\x00\x00\x00\x00\x00\x00{\"a\":", 13));
        QVERIFY(refusal(dir.filePath("cut.safetensors")).find("header length is invalid") != std::string::npos);
        writeText(dir.filePath("text.safetensors"), QByteArray("\x04\x00\x00\x00\x00\x00\x00\x00[1,2", 12));
        QVERIFY(refusal(dir.filePath("text.safetensors")).find("not a JSON object") != std::string::npos);
        QVERIFY(refusal(dir.filePath("missing")).find("does not exist") != std::string::npos);
        QDir(dir.path()).mkdir("empty");
        QVERIFY(refusal(dir.filePath("empty")).find("holds neither") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestModelFamily)
#include "tst_modelfamily.moc"
