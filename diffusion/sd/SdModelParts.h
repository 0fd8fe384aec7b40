#pragma once
#include <string>
#include <vector>

namespace sem::diffusion::sd {

// Where the parts of a Stable Diffusion 1.x model are, as files on disk (torch-free: what the
// loader reads, the app shows and the .sem's model id is computed from).
struct SdModelParts {
    std::string name;        // shown to the user: the model set's "name", else the base's file or folder name
    // The base model: a diffusers folder (unet/, vae/, text_encoder/, tokenizer/, scheduler/) or a
    // single-file checkpoint (model.diffusion_model.*, first_stage_model.*, cond_stage_model.*).
    std::string base;
    bool baseIsFolder = false;
    // Optional parts: empty = none / the base's own. controlnet: a diffusers controlnet/ folder or a
    // single file (control_model.*); vae: a diffusers vae/ folder or a file that replaces the base's
    // VAE; tokenizer: a folder with vocab.json + merges.txt or a bpe_simple_vocab_16e6.txt.gz;
    // scheduler: a scheduler_config.json.
    std::string controlnet, vae, tokenizer, scheduler;
    // For a single-file base: a diffusers folder whose unet/, vae/, text_encoder/ (and controlnet/)
    // config.json describe the checkpoint's architecture (as diffusers' from_single_file(config=)
    // takes one); empty = the published SD 1.5 / ControlNet v1.1 configurations.
    std::string config;

    // The parts of the model at `path`: a diffusers folder, a single-file checkpoint, or a model set
    // (a small JSON file naming the parts; paths in it are relative to the file):
    //   {"family": "sd1", "name": "SD 1.5 + Canny", "base": "v1-5-pruned-emaonly.safetensors",
    //    "controlnet": "control_v11p_sd15_canny.safetensors", "vae": "...", "tokenizer": "...",
    //    "scheduler": "...", "config": "..."}
    // A diffusers folder's own controlnet/ subfolder is taken when there is one. `controlnet`, when
    // not empty, replaces the ControlNet (the --controlnet option). Every named path must exist.
    // Throws Error("model set: ...") or Error("model: ...") naming the problem.
    static SdModelParts locate(const std::string& path, const std::string& controlnet = {});
    // The model set in `json` (the text of a model set file found in `directory`), validated.
    static SdModelParts parseModelSet(const std::string& json, const std::string& directory);

    // Every file the parts consist of (weights, configs, vocabulary), sorted: what the model id hashes
    // the size and header of.
    std::vector<std::string> files() const;

    // 16 hex digits that identify these weights, cheap to compute on multi-gigabyte files: FNV-1a 64
    // over, for every file of files() in order, its name (without the folder), its size, its first
    // 64 KiB (a safetensors header with every name, shape and offset, and the first weights) and
    // 4 KiB at the middle and the end (weights a fine-tune changes). Throws Error when a file
    // cannot be read.
    std::string modelId() const;
};

}  // namespace sem::diffusion::sd
