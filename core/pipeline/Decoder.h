#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/format/SemFile.h"
#include "core/pipeline/StreamDecoder.h"

namespace sem::diffusion {
class Backend;
}

namespace sem {

// What the user asks for at decode time; unset fields come from the .sem file's recorded settings
// (when they are for the loaded model's family), then from the family's defaults: built-in
// DPM-Solver++(2M), 20 steps, guidance 2, strength 0.35, seed 0; Stable Diffusion DPM++ 2M with Karras
// sigmas, 20 steps, guidance 7.5, strength 0.7 (from the hint; from noise without one), control
// scale 1, working size 768, colour fix on, seed 0.
struct DecodeRequest {
    std::optional<DecodeSettings::Sampler> sampler;
    std::optional<int> steps;
    std::optional<float> eta;
    std::optional<float> guidance;
    std::optional<std::uint32_t> seed;
    std::optional<float> strength;  // (0, 1]: 1 = from pure noise, less = from the first step's prediction
    bool fidelity = false;  // one-step x0 decode (maximum PSNR), overrides the sampler
    bool force = false;     // decode even if the file names another model
    int previewEvery = 5;
    // The most memory the decode may take (bytes; 0: three quarters of the machine's physical
    // memory). Checked before anything image-sized is allocated: the built-in model tiles its network
    // to fit, and a decode that cannot fit is refused (sem::Error naming both sizes).
    std::uint64_t memoryLimitBytes = 0;
    // Batch decodes (Decoder::decodeBatch; `semc decode IN... -o DIR`): how many files of one size
    // and settings one network evaluation takes. 0 = automatic: on CUDA as many as fit in the
    // engine's memory budget untiled, on the CPU one at a time (every thread on one image). N > 0:
    // at most N on any device, still only as many as fit.
    int batchImages = 0;
    // Stable Diffusion family (refused by the built-in one when set).
    std::optional<float> controlScale;  // 0..5
    std::optional<int> workSize;        // 64..2048, rounded to a multiple of 8
    std::optional<bool> colourFix;
    std::optional<bool> karras;
    std::string negativePrompt;         // not recorded in the .sem
    std::vector<float> initialLatents;  // [1, 4, H/8, W/8] at the working size (--latents); not recorded
    // generate: a ControlNet control image used as given (BGR or gray, white lines on black).
    cv::Mat controlImage;
};

struct DecodeProgress {
    int step = 0, total = 0;
    double elapsedSeconds = 0;
    cv::Mat preview;  // BGR x0 prediction at the image size; empty on steps without a preview
};
using DecodeProgressFn = std::function<void(const DecodeProgress&)>;
// Loading a model: `part` ("tokenizer", "text encoder", "UNet", "VAE", "ControlNet"; "weights" for
// the built-in family) is about to be read, the index-th of count.
using LoadProgressFn = std::function<void(const std::string& part, int index, int count)>;

struct DecodeOutcome {
    cv::Mat image;                      // CV_8UC3 BGR at the file's size
    DecodeSettings settings;            // what was used
    std::vector<std::string> warnings;  // e.g. model mismatch under force
    double seconds = 0;
};

// .sem -> image through the diffusion engine: a backend of the model family that the model path
// holds (diffusion/BackendFactory.h). One decode at a time per Decoder.
class Decoder {
public:
    // `modelPath`: a built-in model (directory or .safetensors), a Stable Diffusion 1.x model (a
    // diffusers folder, a single-file checkpoint or a model set .json); empty = the default model
    // (ModelLocator). `device`: auto, cpu or cuda. `controlnet`: a Canny ControlNet for a Stable
    // Diffusion model (replacing the model set's or folder's own). Throws sem::Error.
    // `loadProgress` is called before each part of the model is read (part name, index from 1,
    // count; on the calling thread); loading stops with sem::Cancelled when *cancel becomes true.
    Decoder(const std::string& modelPath, const std::string& device, const std::string& controlnet = {},
            const LoadProgressFn& loadProgress = {}, const std::atomic<bool>* cancel = nullptr);
    ~Decoder();
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;

    std::string modelId() const;      // 16 hex digits
    std::uint32_t modelId32() const;  // what a .sem records: the first 8 hex digits
    std::string deviceName() const;
    std::string family() const;       // the model family: "built-in", "sd1"
    std::int64_t parameterCount() const;

    // Throws sem::Error on bad streams or a model mismatch without force; throws sem::Cancelled
    // (core/common/Cancelled.h) when *cancel becomes true.
    DecodeOutcome decode(const SemFile& file, const DecodeRequest& request, const DecodeProgressFn& progress = {},
                         const std::atomic<bool>* cancel = nullptr);
    // Caption-only text-to-image decode (no edges, no hint).
    DecodeOutcome generate(const std::string& caption, int width, int height, const DecodeRequest& request,
                           const DecodeProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr);

    // The strength of sampled decodes of files that record no decode settings.
    static constexpr std::uint32_t kDefaultStrengthPercent = 35;
    static constexpr std::uint32_t kDefaultSdStrengthPercent = 70;
    static DecodeSettings resolve(const DecodeSettings& recorded, const DecodeRequest& request,
                                  DecodeSettings::Family family = DecodeSettings::BuiltIn);
    DecodeSettings::Family settingsFamily() const;
    // The family of the model at `path` (empty: the default model), from its files or a
    // checkpoint's header only (cheap: nothing is loaded). Throws sem::Error naming what the path
    // holds instead (missing, a ControlNet alone, an unknown file).
    static DecodeSettings::Family modelFamily(const std::string& modelPath);

    // Checks a decode's memory against request.memoryLimitBytes before anything image-sized is
    // allocated: sets the built-in model's tiling budget to fit, or throws sem::Error naming the
    // megapixels, the estimate and the limit. decode() and generate() call it; roundtrip calls it
    // before encoding as well.
    // `images`: a batch of that many images of this size (decodeBatch).
    void planMemory(int width, int height, const DecodeSettings& settings, const DecodeRequest& request,
                    int images = 1);

    // Batch decodes (DecoderBatch.cpp). How many files like `file` decodeBatch takes at once under
    // `request` (>= 1; see DecodeRequest::batchImages).
    int batchRoom(const SemFile& file, const DecodeRequest& request);
    // Whether two files can share a batch: the same size, the same resolved settings apart from the
    // seed, both with a colour hint or both without.
    bool batchable(const SemFile& a, const SemFile& b, const DecodeRequest& request) const;
    // Decodes files that are pairwise batchable in one batch (each checked as decode() checks it);
    // the outcomes are in order, each image the one decode() gives up to float rounding (at most one
    // level of 8 bits), each with the batch's seconds shared out. Throws sem::Error when a file
    // fails its checks or the files do not batch (the caller decodes them one at a time then).
    // `progress` gets the batch's steps (all its images'), with a preview only when it holds one image.
    std::vector<DecodeOutcome> decodeBatch(const std::vector<const SemFile*>& files, const DecodeRequest& request,
                                           const std::atomic<bool>* cancel = nullptr,
                                           const DecodeProgressFn& progress = {});

private:
    std::vector<std::string> checkModel(const SemFile& file, const DecodeRequest& request) const;
    DecodeOutcome run(const DecodedStreams& streams, int width, int height, const DecodeSettings& settings,
                      const DecodeRequest& request, const DecodeProgressFn& progress, const std::atomic<bool>* cancel);
    std::unique_ptr<diffusion::Backend> backend_;
};

// Where the default model is: $SEMCOMPRESS_MODEL, else <program dir>/../share/semcompress/models/default
// (the installed layout, which the build tree mirrors). Throws sem::Error saying where it looked.
class ModelLocator {
public:
    static std::string defaultModelPath();
    // The shipped CLIP vocabulary (bpe_simple_vocab_16e6.txt.gz, models/clip) for Stable Diffusion
    // models without a tokenizer of their own: $SEMCOMPRESS_CLIP_VOCAB, else
    // <program dir>/../share/semcompress/models/clip/; empty when it is not there.
    static std::string clipVocabularyPath();
};

}  // namespace sem
