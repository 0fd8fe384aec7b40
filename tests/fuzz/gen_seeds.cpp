// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) with our own encoders on
// synthetic images, plus a few hand-made edge cases.
//   sem_fuzz_seeds DIR        (scripts/fuzz.sh and the committed corpus use DIR = tests/fuzz/corpus)
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/hint/HintCodec.h"
#include "core/image/ImageIO.h"
#include "core/pipeline/Encoder.h"
#include "core/text/TextCodec.h"
#include "diffusion/builtin/ModelConfig.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/sd/SchedulerConfig.h"
#include "diffusion/sd/ClipTextConfig.h"
#include "diffusion/sd/VaeConfig.h"
#include "fuzz/FuzzInput.h"

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

namespace {

fs::path gRoot;

void write(const std::string& target, const std::string& name, const Bytes& bytes)
{
    const fs::path dir = gRoot / target;
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + (dir / name).string());
}

void write(const std::string& target, const std::string& name, const std::string& text)
{
    write(target, name, Bytes(text.begin(), text.end()));
}

// A small scene with strong edges and a few colours (sides >= 16).
cv::Mat scene(int w, int h)
{
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(90, 140, 200));
    cv::rectangle(m, {w / 5, h / 5, w / 3, h / 2}, cv::Scalar(10, 20, 40), cv::FILLED);
    cv::circle(m, {w * 2 / 3, h / 2}, h / 4, cv::Scalar(250, 250, 250), cv::FILLED);
    cv::line(m, {0, h - 1}, {w - 1, 0}, cv::Scalar(0, 0, 255), 2);
    return m;
}

Bytes truncated(const Bytes& b) { return Bytes(b.begin(), b.begin() + static_cast<long>(b.size() / 2)); }

void semSeeds()
{
    sem::EncodeOptions o;
    o.caption = "a dark box and a white disc on blue";
    o.hint.factor = 16;
    const Bytes full = sem::Encoder::encode(scene(96, 64), o).file.serialize();
    write("fuzz_semfile", "full_96x64", full);
    write("fuzz_semfile", "truncated", truncated(full));

    sem::EncodeOptions p;
    p.canny.scaleDenominator = 2;
    p.canny.perChannel = true;
    p.hint.factor = 32;
    p.writeMetadata = false;
    p.decode.present = true;
    p.decode.steps = 8;
    p.modelId = 0x1234abcd;
    write("fuzz_semfile", "perchannel_planar_67x45", sem::Encoder::encode(scene(67, 45), p).file.serialize());

    sem::EncodeOptions q;  // edges only
    q.writeMetadata = false;
    write("fuzz_semfile", "edges_only_33x17", sem::Encoder::encode(scene(33, 17), q).file.serialize());
    write("fuzz_semfile", "magic_only", std::string("SEM"));
}

void edgeSeeds()
{
    for (int profile = 0; profile < sem::EdgeCodec::kProfileCount; ++profile) {
        sem::CannyParams c;
        c.scaleDenominator = profile % 2 == 0 ? 1 : 4;
        c.perChannel = profile == 3;
        const int w = 80 - profile * 7, h = 48 + profile * 5;
        const sem::EdgeMap map = sem::EdgeExtractor::extract(scene(w, h), c);
        const Bytes payload = sem::EdgeCodec::encode(map, profile);
        write("fuzz_edgecodec", "profile" + std::to_string(profile), sem::fuzz::sized(w, h, payload));
        if (profile == 0)
            write("fuzz_edgecodec", "truncated", sem::fuzz::sized(w, h, truncated(payload)));
    }
    sem::EdgeMap blank;  // an all-zero 1x1 map
    blank.width = blank.height = 1;
    blank.planes.push_back(cv::Mat::zeros(1, 1, CV_8UC1));
    write("fuzz_edgecodec", "blank_1x1", sem::fuzz::sized(1, 1, sem::EdgeCodec::encode(blank)));
    write("fuzz_edgecodec", "size_only_512x512", sem::fuzz::sized(512, 512, {}));
}

void textSeeds()
{
    const std::string caption = "a man riding a red bicycle down a busy street past a row of shops";
    write("fuzz_textcodec", "stored", sem::TextCodec::encodeWith(caption, sem::TextCodec::kMethodStored));
    write("fuzz_textcodec", "brotli", sem::TextCodec::encodeWith(caption, sem::TextCodec::kMethodBrotli));
    write("fuzz_textcodec", "deflate_dict", sem::TextCodec::encodeWith(caption, sem::TextCodec::kMethodDeflateDict1));
    write("fuzz_textcodec", "utf8_stored", sem::TextCodec::encode("\xc3\xa9t\xc3\xa9 \xe2\x98\x80 \xf0\x9f\x90\x88"));
    write("fuzz_textcodec", "bad_utf8_stored", Bytes{0, 0xC3, 0x28});
    write("fuzz_textcodec", "unknown_method", Bytes{7, 1, 2, 3});
}

void hintSeeds()
{
    const int w = 150, h = 100;
    const cv::Mat img = scene(w, h);
    for (const int factor : {8, 16, 32, 64})
        for (const int codec : {sem::HintCodec::kCodecVp8, sem::HintCodec::kCodecPlanar}) {
            const Bytes payload = sem::HintCodec::encodeThumbnail(sem::HintCodec::makeThumbnail(img, factor), factor,
                                                                  sem::HintCodec::defaultQuality(factor), codec);
            write("fuzz_hintcodec", "f" + std::to_string(factor) + "_codec" + std::to_string(codec),
                  sem::fuzz::sized(w, h, payload));
        }
    write("fuzz_hintcodec", "empty_payload", sem::fuzz::sized(w, h, {}));
}

void imageSeeds()
{
    const cv::Mat img = scene(24, 16);
    for (const char* ext : {".png", ".jpg", ".webp", ".tif", ".bmp"})
        write("fuzz_image", std::string("bgr") + ext, sem::ImageIO::encode(img, ext));
    // Gray 16-bit and RGBA PNG go through other decoder paths.
    cv::Mat gray16;
    cv::cvtColor(img, gray16, cv::COLOR_BGR2GRAY);
    gray16.convertTo(gray16, CV_16U, 257.0);
    std::vector<uchar> buf;
    cv::imencode(".png", gray16, buf);
    write("fuzz_image", "gray16.png", Bytes(buf.begin(), buf.end()));
    cv::Mat bgra;
    cv::cvtColor(img, bgra, cv::COLOR_BGR2BGRA);
    cv::imencode(".png", bgra, buf);
    write("fuzz_image", "bgra.png", Bytes(buf.begin(), buf.end()));
    write("fuzz_image", "png_signature_only", Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
}

void captionResponseSeeds()
{
    const char* t = "fuzz_captionresponse";
    write(t, "string_content",
          std::string(R"({"id":"c1","object":"chat.completion","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,)"
                      R"("message":{"role":"assistant","content":"A cat sleeping on a red sofa.","refusal":null},)"
                      R"("finish_reason":"stop"}],"usage":{"prompt_tokens":92,"completion_tokens":8,"total_tokens":100}})"));
    write(t, "parts_content",
          std::string(R"({"choices":[{"message":{"content":[{"type":"text","text":"\"A dog\""},{"type":"text","text":"in snow."}]},)"
                      R"("finish_reason":"length"}]})"));
    write(t, "refusal", std::string(R"({"choices":[{"message":{"content":null,"refusal":"No, sk-abcdefghijkl."}}]})"));
    write(t, "content_filter", std::string(R"({"choices":[{"message":{"content":"x"},"finish_reason":"content_filter"}]})"));
    write(t, "error_object", std::string(R"({"error":{"message":"Incorrect API key sk-fuzz-SECRET-0123456789","type":"invalid_request_error"}})"));
    write(t, "error_string", std::string(R"({"error":"model not found"})"));
    write(t, "empty_choices", std::string(R"({"choices":[]})"));
}


// Little-endian u64 header length + header text + data bytes: hand-made safetensors files.
Bytes safetensorsFile(const std::string& header, const Bytes& data)
{
    Bytes out;
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(header.size()) >> (8 * i)));
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

void safetensorsSeeds()
{
    using sem::diffusion::SafeTensors;
    const char* t = "fuzz_safetensors";
    std::map<std::string, SafeTensors::Tensor> tensors;
    tensors["conv.weight"] = {{2, 1, 3, 3}, std::vector<float>(18, 0.25f)};
    tensors["conv.bias"] = {{2}, {-1.5f, 3.0f}};
    tensors["scalar"] = {{}, {7.0f}};
    tensors["empty"] = {{0, 4}, {}};
    const Bytes f32 = SafeTensors::serialize(tensors, {{"format", "pt"}, {"model_id", "0123abcd"}});
    write(t, "f32_with_metadata", f32);
    write(t, "truncated", truncated(f32));
    write(t, "f32_no_metadata", SafeTensors::serialize({{"w", {{3}, {1.0f, -0.0f, 1e-40f}}}}));
    // F16 (1.0, -2.0, a subnormal, inf) and BF16 (1.0, -2.0): 2 bytes per element.
    write(t, "f16_bf16", safetensorsFile(
        R"({"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},)"
        R"("b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]}})",
        Bytes{0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c, 0x80, 0x3f, 0x00, 0xc0}));
    write(t, "unsupported_dtype", safetensorsFile(R"({"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})",
                                                   Bytes(8, 0)));
    write(t, "header_only", safetensorsFile("{}", {}));
}

// tests/fuzz/corpus/fuzz_modelcard/shipped_model_json_short_vocabulary is models/default/model.json with
// its vocabulary cut to 24 words, committed by hand.
void modelCardSeeds()
{
    using sem::diffusion::ModelCard;
    const char* t = "fuzz_modelcard";
    ModelCard card;  // the default architecture, a short vocabulary, training info
    card.vocabulary = {"a", "dog", "on", "the", "grass", "red", "car"};
    card.training.data = "coco train2017";
    card.training.command = "semc train --data d --out o";
    card.training.metrics = {{"psnr", 21.5}, {"loss", 0.0123}};
    card.training.notes = "seed";
    write(t, "default_card", card.toJson());
    ModelCard tiny;
    tiny.config = sem::diffusion::tinyModelConfig();
    tiny.config.prediction = sem::diffusion::Prediction::Epsilon;
    write(t, "tiny_eps_card", tiny.toJson());
    write(t, "minimal", std::string(R"({"format":"semcompress-diffusion","formatVersion":1,)"
                                    R"("architecture":{"type":"pixel-unet"},"tokenizer":{"type":"word"}})"));
    write(t, "not_an_object", std::string("[1,2,3]"));
}

void schedulerConfigSeeds()
{
    using sem::diffusion::sd::SchedulerConfig;
    const char* t = "fuzz_schedulerconfig";
    // stable-diffusion-v1-5/scheduler/scheduler_config.json
    write(t, "sd15", std::string(R"({"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", )"
                                 R"("beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, )"
                                 R"("num_train_timesteps": 1000, "set_alpha_to_one": false, "skip_prk_steps": true, )"
                                 R"("steps_offset": 1, "trained_betas": null, "clip_sample": false})"));
    SchedulerConfig v;  // an SD 2.x-like v-prediction file with every key we write
    v.className = "DDIMScheduler";
    v.predictionType = sem::diffusion::sd::PredictionType::VPrediction;
    v.timestepSpacing = sem::diffusion::sd::TimestepSpacing::Trailing;
    v.useKarrasSigmas = true;
    write(t, "vpred_trailing_all_keys", v.toJson());
    write(t, "cosine_minimal", std::string(R"({"beta_schedule": "squaredcos_cap_v2", "num_train_timesteps": 500})"));
    write(t, "empty_object", std::string("{}"));
    write(t, "beta_end_below_start", std::string(R"({"beta_start": 0.00085, "beta_end": 0.0001})"));
}

// fuzz_sdconfig: 'c' + a text encoder config.json, 'v' + a VAE config.json, else single-file names.
void sdConfigSeeds()
{
    const char* t = "fuzz_sdconfig";
    write(t, "clip_sd15", "c" + sem::diffusion::sd::ClipTextConfig().toJson());
    write(t, "clip_whole_clipconfig", std::string(R"(c{"model_type":"clip","text_config":{"hidden_size":64,)"
                                                  R"("num_attention_heads":2,"hidden_act":"gelu"}})"));
    write(t, "vae_sd15", "v" + sem::diffusion::sd::VaeConfig().toJson());
    write(t, "vae_tiny", std::string(R"(v{"block_out_channels":[8,16,16],"norm_num_groups":4,)"
                                     R"("mid_block_add_attention":false,"down_block_types":["DownEncoderBlock2D",)"
                                     R"("DownEncoderBlock2D","DownEncoderBlock2D"]})"));
    write(t, "keys_sd15", std::string("\x03" "encoder.down.0.block.1.nin_shortcut.weight\n"
                                      "decoder.up.3.upsample.conv.bias\nencoder.mid.attn_1.proj_out.weight\n"
                                      "decoder.mid.block_2.norm1.bias\ntext_model.encoder.layers.11.mlp.fc2.bias\n"
                                      "decoder.mid_block.attentions.0.query.weight\nquant_conv.weight\n"
                                      "decoder.norm_out.weight\nembeddings.position_ids"));
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    gRoot = argv[1];
    try {
        semSeeds();
        edgeSeeds();
        textSeeds();
        hintSeeds();
        safetensorsSeeds();
        modelCardSeeds();
        schedulerConfigSeeds();
        imageSeeds();
        captionResponseSeeds();
        sdConfigSeeds();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sem_fuzz_seeds: %s\n", e.what());
        return 1;
    }
    return 0;
}
