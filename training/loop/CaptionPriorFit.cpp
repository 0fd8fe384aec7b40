#include "training/loop/CaptionPriorFit.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include <torch/torch.h>

#include "diffusion/DiffusionError.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/builtin/Tokenizer.h"

namespace sem::training {

using diffusion::Error;
using diffusion::ModelCard;
using diffusion::SafeTensors;
using diffusion::Tokenizer;
using diffusion::TrainingInfo;

namespace {

namespace fs = std::filesystem;

// The normal equations are a dense V x V matrix of doubles: 20,000 words are 3.2 GB.
constexpr std::size_t kMaxVocabulary = 20000;

// The captions as sparse rows (the mean one-hot of their known words) and the layouts [N, 3GG].
struct Design {
    std::vector<std::vector<std::pair<std::int64_t, double>>> rows;
    torch::Tensor y;  // float64
    std::int64_t vocabularySize = 0;
};

Design design(const Tokenizer& tokenizer, int grid, const std::vector<CaptionLayoutSample>& samples) {
    const auto values = static_cast<std::size_t>(3 * grid * grid);
    Design d;
    d.vocabularySize = tokenizer.vocabularySize();
    std::vector<double> layouts;
    for (const CaptionLayoutSample& s : samples) {
        if (s.layout.size() != values)
            throw Error("caption prior: a layout has " + std::to_string(s.layout.size()) + " values instead of " +
                        std::to_string(values) + ".");
        std::vector<std::int64_t> known;
        for (const std::int64_t id : tokenizer.encode(s.caption))
            if (id >= Tokenizer::kReserved)
                known.push_back(id);
        if (known.empty())
            continue;  // nothing the prior could use: decoded like "no caption"
        for (const float value : s.layout) {
            if (!std::isfinite(value))
                throw Error("caption prior: a layout holds a non-finite value.");
            layouts.push_back(value);
        }
        std::vector<std::pair<std::int64_t, double>> row;
        for (const std::int64_t id : known)
            row.emplace_back(id, 1.0 / static_cast<double>(known.size()));
        d.rows.push_back(std::move(row));
    }
    d.y = torch::from_blob(layouts.data(), {static_cast<std::int64_t>(d.rows.size()), static_cast<std::int64_t>(values)},
                           torch::kDouble)
              .clone();
    return d;
}

Design concatenate(const Design& a, const Design& b) {
    Design d = a;
    d.rows.insert(d.rows.end(), b.rows.begin(), b.rows.end());
    d.y = torch::cat({a.y, b.y});
    return d;
}

struct Ridge {
    torch::Tensor w, b;  // [V, 3GG], [3GG]
};

// The centred normal equations of a design, accumulated from its sparse rows once for every ridge strength.
struct NormalEquations {
    torch::Tensor xm, ym, xtx, xty;
};

NormalEquations normalEquations(const Design& d) {
    const std::int64_t v = d.vocabularySize, k = d.y.size(1);
    const auto n = static_cast<double>(d.rows.size());
    std::vector<double> xtx(static_cast<std::size_t>(v * v), 0.0), xty(static_cast<std::size_t>(v * k), 0.0),
        xm(static_cast<std::size_t>(v), 0.0);
    const auto y = d.y.accessor<double, 2>();
    for (std::size_t s = 0; s < d.rows.size(); ++s) {
        for (const auto& [a, wa] : d.rows[s]) {
            xm[static_cast<std::size_t>(a)] += wa / n;
            for (const auto& [b, wb] : d.rows[s])
                xtx[static_cast<std::size_t>(a * v + b)] += wa * wb / n;
            for (std::int64_t j = 0; j < k; ++j)
                xty[static_cast<std::size_t>(a * k + j)] += wa * y[static_cast<std::int64_t>(s)][j] / n;
        }
    }
    auto tensor = [](std::vector<double>& data, std::vector<std::int64_t> shape) {
        return torch::from_blob(data.data(), shape, torch::kDouble).clone();
    };
    NormalEquations e;
    e.xm = tensor(xm, {v});
    e.ym = d.y.mean(0);
    e.xtx = tensor(xtx, {v, v}) - torch::outer(e.xm, e.xm);
    e.xty = tensor(xty, {v, k}) - torch::outer(e.xm, e.ym);
    return e;
}

Ridge solveRidge(const NormalEquations& e, double lambda) {
    Ridge r;
    r.w = torch::linalg_solve(e.xtx + lambda * torch::eye(e.xtx.size(0), torch::kDouble), e.xty);
    r.b = e.ym - torch::matmul(e.xm, r.w);
    return r;
}

double mse(const Ridge& r, const Design& d) {
    const auto w = r.w.accessor<double, 2>();
    const auto b = r.b.accessor<double, 1>();
    const auto y = d.y.accessor<double, 2>();
    double sum = 0;
    for (std::size_t s = 0; s < d.rows.size(); ++s)
        for (std::int64_t j = 0; j < d.y.size(1); ++j) {
            double p = b[j];
            for (const auto& [a, wa] : d.rows[s])
                p += wa * w[a][j];
            const double e = p - y[static_cast<std::int64_t>(s)][j];
            sum += e * e;
        }
    return sum / static_cast<double>(d.y.numel());
}

std::vector<float> toFloats(const torch::Tensor& t) {
    const torch::Tensor c = t.to(torch::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

CaptionPriorFit fitCaptionPrior(const ModelCard& card, int grid, const std::vector<CaptionLayoutSample>& fit,
                                const std::vector<CaptionLayoutSample>& heldOut, const std::vector<double>& lambdas) {
    if (grid < 1 || grid > 16)
        throw Error("caption prior: the grid side must be in 1..16.");
    if (lambdas.empty())
        throw Error("caption prior: no ridge strengths to try.");
    if (card.vocabulary.size() > kMaxVocabulary)
        throw Error("caption prior: the vocabulary has " + std::to_string(card.vocabulary.size()) +
                    " words; the dense ridge fit takes at most " + std::to_string(kMaxVocabulary) + ".");
    torch::NoGradGuard noGrad;
    const Tokenizer tokenizer(card.vocabulary, card.config.maxTokens);
    const Design train = design(tokenizer, grid, fit), test = design(tokenizer, grid, heldOut);
    if (train.rows.size() < 2 || test.rows.empty())
        throw Error("caption prior: too few captions with a known word (" + std::to_string(train.rows.size()) +
                    " to fit, " + std::to_string(test.rows.size()) + " held out).");
    CaptionPriorFit result;
    result.grid = grid;
    result.fitSamples = static_cast<int>(train.rows.size());
    result.heldOutSamples = static_cast<int>(test.rows.size());
    result.heldOutBiasOnlyMse = (test.y - train.y.mean(0)).pow(2).mean().item<double>();
    result.heldOutMse = std::numeric_limits<double>::infinity();
    const NormalEquations trainEquations = normalEquations(train);
    for (const double lambda : lambdas) {
        if (!(lambda > 0.0) || !std::isfinite(lambda))
            throw Error("caption prior: ridge strengths must be positive.");
        const double e = mse(solveRidge(trainEquations, lambda), test);
        if (e < result.heldOutMse) {
            result.heldOutMse = e;
            result.lambda = lambda;
        }
    }
    const Ridge final = solveRidge(normalEquations(concatenate(train, test)), result.lambda);
    result.words = toFloats(final.w);
    result.bias = toFloats(final.b);
    return result;
}

void writeModelWithCaptionPrior(const std::string& fromDirectory, const std::string& toDirectory,
                                const CaptionPriorFit& prior, const TrainingInfo& info) {
    ModelCard card = ModelCard::load((fs::path(fromDirectory) / "model.json").string());
    const SafeTensors weights = SafeTensors::read((fs::path(fromDirectory) / "model.safetensors").string());
    const auto vocabularySize = static_cast<std::int64_t>(Tokenizer::kReserved + card.vocabulary.size());
    const std::int64_t values = 3 * prior.grid * prior.grid;
    if (prior.grid < 1 || prior.grid > 16 || static_cast<std::int64_t>(prior.bias.size()) != values ||
        static_cast<std::int64_t>(prior.words.size()) != vocabularySize * values)
        throw Error("caption prior: the fitted prior does not match the model's vocabulary.");
    std::map<std::string, SafeTensors::Tensor> tensors;
    for (const auto& [name, entry] : weights.entries())
        if (name.rfind("prior.", 0) != 0)
            tensors[name] = SafeTensors::Tensor{entry.shape, weights.toFloat(name)};
    tensors["prior.words"] = SafeTensors::Tensor{{vocabularySize, values}, prior.words};
    tensors["prior.bias"] = SafeTensors::Tensor{{values}, prior.bias};
    card.config.captionPriorGrid = prior.grid;
    card.config.validate();
    card.training = info;
    std::error_code ec;
    fs::create_directories(toDirectory, ec);
    if (ec)
        throw Error("model: cannot create the directory '" + toDirectory + "' (" + ec.message() + ").");
    SafeTensors::write((fs::path(toDirectory) / "model.safetensors").string(), tensors, {{"format", "pt"}});
    card.save((fs::path(toDirectory) / "model.json").string());
}

}  // namespace sem::diffusion
