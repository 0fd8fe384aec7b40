#include "diffusion/builtin/Network.h"

#include <algorithm>
#include <cmath>

#include "diffusion/DiffusionError.h"
#include "diffusion/builtin/Tokenizer.h"

namespace sem::diffusion::net {

namespace {

namespace F = torch::nn::functional;

torch::nn::Conv2d conv3(int in, int out, int stride = 1) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

// Scaled dot-product attention, q [B,h,N,d], k/v [B,h,M,d], keyMask [B,M] bool (true = valid) or
// undefined. Queries are processed in chunks so that the score matrix stays small (1024 x M).
torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                     const torch::Tensor& keyMask) {
    const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
    const std::int64_t n = q.size(2);
    const std::int64_t chunk = 1024;
    const torch::Tensor kt = k.transpose(-2, -1);
    torch::Tensor blocked;
    if (keyMask.defined())
        blocked = keyMask.logical_not().unsqueeze(1).unsqueeze(1);
    std::vector<torch::Tensor> parts;
    for (std::int64_t s = 0; s < n; s += chunk) {
        const torch::Tensor qs = q.narrow(2, s, std::min(chunk, n - s));
        torch::Tensor scores = torch::matmul(qs, kt).to(torch::kFloat) * scale;
        if (blocked.defined())
            scores = scores.masked_fill(blocked, -1e9);
        parts.push_back(torch::matmul(scores.softmax(-1).to(v.scalar_type()), v));
    }
    return parts.size() == 1 ? parts.front() : torch::cat(parts, 2);
}

// [B, N, 3C] -> q, k, v as [B, h, N, d].
std::vector<torch::Tensor> splitHeads(const torch::Tensor& packed, int parts, int heads) {
    const auto b = packed.size(0), n = packed.size(1);
    const auto d = packed.size(2) / parts / heads;
    return packed.reshape({b, n, parts, heads, d}).permute({2, 0, 3, 1, 4}).unbind(0);
}

torch::Tensor mergeHeads(const torch::Tensor& x) {
    const auto b = x.size(0), h = x.size(1), n = x.size(2), d = x.size(3);
    return x.transpose(1, 2).reshape({b, n, h * d});
}

}  // namespace

ResBlockImpl::ResBlockImpl(int in, int out, int embedding, int groups) {
    norm1 = register_module("norm1", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, in)));
    conv1 = register_module("conv1", conv3(in, out));
    film = register_module("film", torch::nn::Linear(embedding, 2 * out));
    norm2 = register_module("norm2", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, out)));
    conv2 = register_module("conv2", conv3(out, out));
    if (in != out)
        skip = register_module("skip", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& emb) {
    torch::Tensor h = conv1(torch::silu(norm1(x)));
    const auto scaleShift = film(torch::silu(emb)).unsqueeze(-1).unsqueeze(-1).chunk(2, 1);
    h = norm2(h) * (1 + scaleShift[0]) + scaleShift[1];
    h = conv2(torch::silu(h));
    return (skip.is_empty() ? x : skip(x)) + h;
}

AttentionBlockImpl::AttentionBlockImpl(int channels, int heads_, int groups, int contextWidth) : heads(heads_) {
    norm = register_module("norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels)));
    qkv = register_module("qkv", torch::nn::Linear(channels, 3 * channels));
    proj = register_module("proj", torch::nn::Linear(channels, channels));
    crossNorm = register_module("crossNorm",
                                torch::nn::LayerNorm(torch::nn::LayerNormOptions({static_cast<std::int64_t>(channels)})));
    crossQ = register_module("crossQ", torch::nn::Linear(channels, channels));
    crossKv = register_module("crossKv", torch::nn::Linear(contextWidth, 2 * channels));
    crossProj = register_module("crossProj", torch::nn::Linear(channels, channels));
}

torch::Tensor AttentionBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& context,
                                          const torch::Tensor& contextMask) {
    const auto b = x.size(0), c = x.size(1), hgt = x.size(2), wid = x.size(3);
    torch::Tensor tokens = x.flatten(2).transpose(1, 2);  // [B, N, C]
    const auto self = splitHeads(qkv(norm(x).flatten(2).transpose(1, 2)), 3, heads);
    tokens = tokens + proj(mergeHeads(attend(self[0], self[1], self[2], torch::Tensor())));
    const auto q = splitHeads(crossQ(crossNorm(tokens)), 1, heads);
    const auto kv = splitHeads(crossKv(context), 2, heads);
    tokens = tokens + crossProj(mergeHeads(attend(q[0], kv[0], kv[1], contextMask)));
    return tokens.transpose(1, 2).reshape({b, c, hgt, wid});
}

TextLayerImpl::TextLayerImpl(int width, int heads_) : heads(heads_) {
    const std::vector<std::int64_t> shape{width};
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions(shape)));
    qkv = register_module("qkv", torch::nn::Linear(width, 3 * width));
    proj = register_module("proj", torch::nn::Linear(width, width));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions(shape)));
    fc1 = register_module("fc1", torch::nn::Linear(width, 4 * width));
    fc2 = register_module("fc2", torch::nn::Linear(4 * width, width));
}

torch::Tensor TextLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
    const auto parts = splitHeads(qkv(norm1(x)), 3, heads);
    torch::Tensor h = x + proj(mergeHeads(attend(parts[0], parts[1], parts[2], mask)));
    return h + fc2(torch::gelu(fc1(norm2(h))));
}

TextEncoderImpl::TextEncoderImpl(const ModelConfig& config, std::int64_t vocabularySize) {
    tokens = register_module("tokens", torch::nn::Embedding(vocabularySize, config.textWidth));
    positions = register_module("positions", torch::nn::Embedding(config.maxTokens, config.textWidth));
    layers = register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < config.textLayers; ++i)
        layers->push_back(TextLayer(config.textWidth, config.textHeads));
    finalNorm = register_module(
        "finalNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({static_cast<std::int64_t>(config.textWidth)})));
}

std::pair<torch::Tensor, torch::Tensor> TextEncoderImpl::forward(const torch::Tensor& ids, const torch::Tensor& mask) {
    const auto positionIds = torch::arange(ids.size(1), torch::TensorOptions().dtype(torch::kLong).device(ids.device()));
    torch::Tensor x = tokens(ids) + positions(positionIds).unsqueeze(0);
    for (std::size_t i = 0; i < layers->size(); ++i)
        x = layers->at<TextLayerImpl>(i).forward(x, mask);
    x = finalNorm(x);
    const torch::Tensor m = mask.to(x.scalar_type()).unsqueeze(-1);
    const torch::Tensor pooled = (x * m).sum(1) / m.sum(1).clamp_min(1);
    return {x, pooled};
}

UNetImpl::UNetImpl(const ModelConfig& cfg) : config(cfg) {
    const int u2 = cfg.unshuffle * cfg.unshuffle;
    const int levels = static_cast<int>(cfg.channels.size());
    const int e = cfg.timeEmbedding;
    inConv = register_module("inConv", conv3(8 * u2, cfg.channels[0]));
    time1 = register_module("time1", torch::nn::Linear(e, e));
    time2 = register_module("time2", torch::nn::Linear(e, e));
    textToTime = register_module("textToTime", torch::nn::Linear(cfg.textWidth, e));
    scaleEmbedding = register_module("scaleEmbedding", torch::nn::Embedding(5, e));
    down = register_module("down", torch::nn::ModuleList());
    downsample = register_module("downsample", torch::nn::ModuleList());
    int previous = cfg.channels[0];
    for (int level = 0; level < levels; ++level) {
        const int ch = cfg.channels[static_cast<std::size_t>(level)];
        for (int i = 0; i < cfg.resBlocksPerLevel; ++i) {
            down->push_back(ResBlock(previous, ch, e, cfg.groups));
            previous = ch;
        }
        if (level + 1 < levels)
            downsample->push_back(conv3(ch, ch, 2));
    }
    mid = register_module("mid", torch::nn::ModuleList());
    for (int i = 0; i < cfg.midBlocks; ++i)
        mid->push_back(ResBlock(previous, previous, e, cfg.groups));
    attention = register_module("attention", AttentionBlock(previous, cfg.attentionHeads, cfg.groups, cfg.textWidth));
    up = register_module("up", torch::nn::ModuleList());
    upsample = register_module("upsample", torch::nn::ModuleList());
    for (int level = levels - 1; level >= 0; --level) {
        const int ch = cfg.channels[static_cast<std::size_t>(level)];
        if (level + 1 < levels)
            upsample->push_back(conv3(cfg.channels[static_cast<std::size_t>(level + 1)], ch));
        for (int i = 0; i < cfg.resBlocksPerLevel; ++i)
            up->push_back(ResBlock(i == 0 ? 2 * ch : ch, ch, e, cfg.groups));
    }
    outNorm = register_module("outNorm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(cfg.groups, cfg.channels[0])));
    outConv = register_module("outConv", conv3(cfg.channels[0], 3 * u2));
}

torch::Tensor UNetImpl::forward(const torch::Tensor& x, const torch::Tensor& t, const Context& context) {
    const int levels = static_cast<int>(config.channels.size());
    const int half = config.timeEmbedding / 2;
    const auto floatOptions = torch::TensorOptions().dtype(torch::kFloat).device(x.device());
    const torch::Tensor freqs = torch::exp(torch::arange(half, floatOptions) * (-std::log(10000.0) / half));
    const torch::Tensor args = t.to(torch::kFloat).unsqueeze(1) * freqs.unsqueeze(0);
    torch::Tensor emb = torch::cat({torch::cos(args), torch::sin(args)}, 1).to(x.scalar_type());
    emb = time2(torch::silu(time1(emb))) + textToTime(context.textPooled) + scaleEmbedding(context.scaleIndex);

    torch::Tensor h = torch::pixel_unshuffle(torch::cat({x, context.conditions}, 1), config.unshuffle);
    if (channelsLast)
        h = h.contiguous(torch::MemoryFormat::ChannelsLast);
    h = inConv(h);
    std::vector<torch::Tensor> skips;
    std::size_t block = 0;
    for (int level = 0; level < levels; ++level) {
        for (int i = 0; i < config.resBlocksPerLevel; ++i)
            h = down->at<ResBlockImpl>(block++).forward(h, emb);
        skips.push_back(h);
        if (level + 1 < levels)
            h = downsample->at<torch::nn::Conv2dImpl>(static_cast<std::size_t>(level)).forward(h);
    }
    for (std::size_t i = 0; i < mid->size(); ++i) {
        h = mid->at<ResBlockImpl>(i).forward(h, emb);
        if (i == 0)
            h = attention(h, context.text, context.textMask);
    }
    if (mid->size() == 0)
        h = attention(h, context.text, context.textMask);
    block = 0;
    std::size_t upIndex = 0;
    for (int level = levels - 1; level >= 0; --level) {
        if (level + 1 < levels) {
            const auto& skip = skips[static_cast<std::size_t>(level)];
            h = F::interpolate(h, F::InterpolateFuncOptions()
                                      .size(std::vector<std::int64_t>{skip.size(2), skip.size(3)})
                                      .mode(torch::kNearest));
            h = upsample->at<torch::nn::Conv2dImpl>(upIndex++).forward(h);
        }
        h = torch::cat({h, skips[static_cast<std::size_t>(level)]}, 1);
        for (int i = 0; i < config.resBlocksPerLevel; ++i)
            h = up->at<ResBlockImpl>(block++).forward(h, emb);
    }
    return torch::pixel_shuffle(outConv(torch::silu(outNorm(h))), config.unshuffle);
}

CaptionPriorImpl::CaptionPriorImpl(std::int64_t vocabularySize, int grid_) : grid(grid_) {
    words = register_parameter("words", torch::zeros({vocabularySize, 3 * grid * grid}));
    bias = register_parameter("bias", torch::zeros({3 * grid * grid}));
}

std::pair<torch::Tensor, torch::Tensor> CaptionPriorImpl::forward(const torch::Tensor& ids, const torch::Tensor& mask) {
    const torch::Tensor known = mask.logical_and(ids.ge(Tokenizer::kReserved)).to(words.scalar_type());  // [B, L]
    const torch::Tensor count = known.sum(1);                                                          // [B]
    const torch::Tensor rows = F::embedding(ids, words) * known.unsqueeze(-1);                         // [B, L, 3GG]
    const torch::Tensor mean = rows.sum(1) / count.clamp_min(1).unsqueeze(-1);
    return {(mean + bias).view({ids.size(0), 3, grid, grid}), count};
}

DecoderModelImpl::DecoderModelImpl(const ModelConfig& config, std::int64_t vocabularySize) {
    config.validate();
    text = register_module("text", TextEncoder(config, vocabularySize));
    unet = register_module("unet", UNet(config));
    if (config.captionPriorGrid > 0)
        prior = register_module("prior", CaptionPrior(vocabularySize, config.captionPriorGrid));
}

// Float32 copies of all parameters, keyed by name (the order safetensors files are written in).
std::map<std::string, SafeTensors::Tensor> exportTensors(const DecoderModel& model) {
    std::map<std::string, SafeTensors::Tensor> out;
    for (const auto& item : model->named_parameters(true)) {
        const torch::Tensor t = item.value().detach().to(torch::kCPU, torch::kFloat).contiguous();
        SafeTensors::Tensor entry;
        entry.shape.assign(t.sizes().begin(), t.sizes().end());
        entry.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
        out.emplace(item.key(), std::move(entry));
    }
    return out;
}

namespace {
std::string shapeText(torch::IntArrayRef shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}
}  // namespace

void importTensors(DecoderModel& model, const SafeTensors& file) {
    torch::NoGradGuard noGrad;
    const auto parameters = model->named_parameters(true);
    for (const auto& item : parameters) {
        const auto it = file.entries().find(item.key());
        if (it == file.entries().end())
            throw Error("model: the weights file lacks the tensor '" + item.key() + "'.");
        torch::Tensor param = item.value();
        if (!torch::IntArrayRef(it->second.shape).equals(param.sizes()))
            throw Error("model: the tensor '" + item.key() + "' has shape " + shapeText(it->second.shape) +
                        " in the file but the model expects " + shapeText(param.sizes()) + ".");
        std::vector<float> values = file.toFloat(item.key());
        param.copy_(torch::from_blob(values.data(), param.sizes(), torch::kFloat).to(param.device()));
    }
    for (const auto& [name, entry] : file.entries())
        if (!parameters.contains(name))
            throw Error("model: the weights file has the unexpected tensor '" + name + "'.");
}

}  // namespace sem::diffusion::net
