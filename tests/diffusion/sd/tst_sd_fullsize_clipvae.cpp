// The full-size SD 1.x text encoder (CLIP ViT-L/14 text tower) and VAE: every tensor name and shape of
// our modules against the reference's manifests (fixtures/manifest/, copied from
// shared/reference/manifest: names and shapes written by diffusers/transformers at the published
// configurations), the parameter counts, and the single-file key map on every original name.
#include <QtTest>

#include <fstream>
#include <sstream>
#include <string>

#include "FullSizeClipVae.h"
#include "diffusion/sd/SingleFileKeys.h"
#include "diffusion/sd/VaeConfig.h"

namespace sd = sem::diffusion::sd;
using Shapes = std::map<std::string, std::vector<std::int64_t>>;

namespace {

const std::string kManifest = std::string(SEM_SOURCE_DIR) + "/tests/diffusion/sd/fixtures/manifest/";

std::vector<std::int64_t> parseShape(const std::string& text) {  // "[768, 3072]"
    std::vector<std::int64_t> shape;
    std::string digits;
    for (const char ch : text) {
        if (ch >= '0' && ch <= '9') {
            digits += ch;
        } else if (!digits.empty()) {
            shape.push_back(std::stoll(digits));
            digits.clear();
        }
    }
    return shape;
}

// Tab-separated lines after a "# ..." header: the columns of each line.
std::vector<std::vector<std::string>> readTable(const std::string& file) {
    std::ifstream in(kManifest + file);
    std::vector<std::vector<std::string>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t'))
            cols.push_back(col);
        rows.push_back(cols);
    }
    return rows;
}

// "name<TAB>[shape]<TAB>float32" lines.
Shapes readManifest(const std::string& file) {
    Shapes shapes;
    for (const auto& cols : readTable(file))
        shapes[cols.at(0)] = parseShape(cols.at(1));
    return shapes;
}

QString difference(const Shapes& ours, const Shapes& reference) {
    for (const auto& [name, shape] : reference) {
        const auto it = ours.find(name);
        if (it == ours.end())
            return "we lack " + QString::fromStdString(name);
        if (it->second != shape)
            return "shape differs: " + QString::fromStdString(name);
    }
    for (const auto& entry : ours)
        if (!reference.count(entry.first))
            return "we have an extra " + QString::fromStdString(entry.first);
    return {};
}

}  // namespace

class TestSdFullSizeClipVae : public QObject {
    Q_OBJECT
private slots:
    void textEncoderMatchesTheManifest() {
        const Shapes reference = readManifest("clip_vit_l14_text_diffusers.txt");
        QCOMPARE(reference.size(), std::size_t(196));
        const auto ours = sem::test::fullsize::clipTextTensors();
        QCOMPARE(difference(ours.shapes, reference), QString());
        QCOMPARE(ours.parameters, std::int64_t(123060480));
        QCOMPARE(ours.configParameters, ours.parameters);
    }

    void vaeMatchesTheManifest() {
        const Shapes reference = readManifest("sd_vae_diffusers.txt");
        QCOMPARE(reference.size(), std::size_t(248));
        const auto ours = sem::test::fullsize::vaeTensors();
        QCOMPARE(difference(ours.shapes, reference), QString());
        QCOMPARE(ours.parameters, std::int64_t(83653863));
        QCOMPARE(ours.configParameters, ours.parameters);
    }

    // Every original name of SD 1.5's single file goes to the diffusers name of the reference's map,
    // and exactly the VAE tensors whose original shape has 4 dimensions and ours 2 are reshaped.
    void singleFileKeysMapEveryOriginalName() {
        const Shapes original = readManifest("sd15_singlefile_clip_vae_original.txt");
        QCOMPARE(original.size(), std::size_t(196 + 248));
        std::size_t mapped = 0, reshaped = 0;
        for (const auto& cols : readTable("clip_text_original_to_diffusers.txt")) {
            const std::string& name = cols.at(0);
            QVERIFY(name.rfind(sd::kClipSingleFilePrefix, 0) == 0);
            const auto ours = sd::clipTextDiffusersName(name.substr(sd::kClipSingleFilePrefix.size()));
            QVERIFY2(ours && *ours == cols.at(1), name.c_str());
            QVERIFY2(original.count(name), name.c_str());
            ++mapped;
        }
        const int blocks = sd::VaeConfig().blockCount();
        for (const auto& cols : readTable("sd_vae_original_to_diffusers.txt")) {
            const std::string& name = cols.at(0);
            QVERIFY(name.rfind(sd::kVaeSingleFilePrefix, 0) == 0);
            const auto ours = sd::vaeDiffusersName(name.substr(sd::kVaeSingleFilePrefix.size()), blocks);
            QVERIFY2(ours && *ours == cols.at(1), name.c_str());
            QVERIFY2(original.count(name), name.c_str());
            const bool conv1x1 = original.at(name).size() == 4 && parseShape(cols.at(2)).size() == 2;
            QCOMPARE(sd::isVaeAttentionProjection(*ours), conv1x1);
            reshaped += conv1x1 ? 1 : 0;
            ++mapped;
        }
        QCOMPARE(mapped, original.size());
        QCOMPARE(reshaped, std::size_t(8));  // q, k, v, proj_out of the encoder's and decoder's attention
    }

    void singleFileKeysRefuseOtherNames() {
        QVERIFY(!sd::vaeDiffusersName("decoder.up.4.block.0.norm1.weight", 4));  // level beyond the VAE
        QVERIFY(!sd::vaeDiffusersName("decoder.up.01.block.0.norm1.weight", 4));
        QVERIFY(!sd::vaeDiffusersName("encoder.down.0.block.0.norm3.weight", 4));
        QVERIFY(!sd::vaeDiffusersName("encoder.mid.attn_1.q.weight.extra", 4));
        QVERIFY(!sd::vaeDiffusersName("loss.logvar", 4));
        QVERIFY(!sd::vaeDiffusersName("", 4));
        QCOMPARE(*sd::vaeDiffusersName("decoder.up.0.block.2.nin_shortcut.bias", 4),
                 std::string("decoder.up_blocks.3.resnets.2.conv_shortcut.bias"));
        QVERIFY(!sd::clipTextDiffusersName("text_projection.weight"));
        QVERIFY(!sd::clipTextDiffusersName("text_model..encoder"));
        QCOMPARE(*sd::clipTextDiffusersName("embeddings.token_embedding.weight"),  // an old layout
                 std::string("text_model.embeddings.token_embedding.weight"));
        QCOMPARE(sd::vaeCurrentDiffusersName("decoder.mid_block.attentions.0.proj_attn.weight"),
                 std::string("decoder.mid_block.attentions.0.to_out.0.weight"));
        QCOMPARE(sd::vaeCurrentDiffusersName("decoder.mid_block.resnets.0.query.weight"),
                 std::string("decoder.mid_block.resnets.0.query.weight"));
        QVERIFY(!sd::isVaeAttentionProjection("decoder.mid_block.attentions.0.to_q.bias"));
        QVERIFY(!sd::isVaeAttentionProjection("decoder.mid_block.attentions.0.group_norm.weight"));
    }
};

QTEST_GUILESS_MAIN(TestSdFullSizeClipVae)
#include "tst_sd_fullsize_clipvae.moc"
