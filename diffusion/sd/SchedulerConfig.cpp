#include "diffusion/sd/SchedulerConfig.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "diffusion/DiffusionError.h"
#include "diffusion/FileIO.h"
#include "diffusion/common/ConfigFields.h"

namespace sem::diffusion::sd {

namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxConfigBytes = 1ull << 20;
constexpr int kMaxTrainTimesteps = 100000;

[[noreturn]] void fail(const std::string& what) {
    throw Error("scheduler config: " + what + ".");
}

// A number as JSON writes it (the shortest text that reads back as the same double: 0.00085).
std::string text(double value) {
    return json(value).dump();
}

// The value of `key`, or nullptr when the file leaves it out.
const json* find(const json& object, const char* key) {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

// An integer in int's range: a JSON integer only (nlohmann's get<int>() would wrap 4294967300 and
// truncate 32.5; a float out of int's range is undefined behaviour).
int integerField(const json& object, const char* key, int fallback) {
    const json* value = find(object, key);
    if (!value)
        return fallback;
    int out = 0;
    if (config_fields::jsonToInt(*value, out))
        return out;
    fail(std::string("'") + key + "' must be an integer in the range of int");
}

double numberField(const json& object, const char* key, double fallback) {
    const json* value = find(object, key);
    if (!value)
        return fallback;
    if (!value->is_number())
        fail(std::string("'") + key + "' must be a number");
    const double number = value->get<double>();
    if (!std::isfinite(number))
        fail(std::string("'") + key + "' must be a finite number");
    return number;
}

bool boolField(const json& object, const char* key, bool fallback) {
    const json* value = find(object, key);
    if (!value)
        return fallback;
    if (value->is_null())  // diffusers' Optional[bool] = None reads as false
        return false;
    if (!value->is_boolean())
        fail(std::string("'") + key + "' must be true or false");
    return value->get<bool>();
}

// A string field, or nullopt when absent (or null, which diffusers treats as its default).
std::optional<std::string> stringField(const json& object, const char* key) {
    const json* value = find(object, key);
    if (!value || value->is_null())
        return std::nullopt;
    if (!value->is_string())
        fail(std::string("'") + key + "' must be a string");
    return value->get<std::string>();
}

// Keys whose only supported value is "absent, null or `allowed`".
void requireAbsentOr(const json& object, const char* key, const json& allowed, const std::string& why) {
    const json* value = find(object, key);
    if (value && !value->is_null() && *value != allowed)
        fail(std::string("'") + key + "' " + why);
}

}  // namespace

std::string betaScheduleName(BetaSchedule schedule) {
    switch (schedule) {
    case BetaSchedule::Linear: return "linear";
    case BetaSchedule::ScaledLinear: return "scaled_linear";
    case BetaSchedule::SquaredCosCapV2: return "squaredcos_cap_v2";
    }
    return "linear";
}

std::string timestepSpacingName(TimestepSpacing spacing) {
    switch (spacing) {
    case TimestepSpacing::Leading: return "leading";
    case TimestepSpacing::Trailing: return "trailing";
    case TimestepSpacing::Linspace: return "linspace";
    }
    return "leading";
}

std::string predictionTypeName(PredictionType prediction) {
    return prediction == PredictionType::VPrediction ? "v_prediction" : "epsilon";
}

void SchedulerConfig::validate() const {
    if (numTrainTimesteps < 2 || numTrainTimesteps > kMaxTrainTimesteps)
        fail("num_train_timesteps " + std::to_string(numTrainTimesteps) + " is not in 2.." +
             std::to_string(kMaxTrainTimesteps));
    if (!std::isfinite(betaStart) || !std::isfinite(betaEnd))
        fail("beta_start and beta_end must be finite numbers");
    // squaredcos_cap_v2 derives its betas from a cosine and ignores beta_start / beta_end (as diffusers).
    if (betaSchedule != BetaSchedule::SquaredCosCapV2) {
        if (!(betaStart > 0.0))
            fail("beta_start " + text(betaStart) + " must be above 0");
        if (betaEnd < betaStart)
            fail("beta_end " + text(betaEnd) + " is below beta_start " + text(betaStart));
        if (!(betaEnd < 1.0))
            fail("beta_end " + text(betaEnd) + " must be below 1");
    }
    if (stepsOffset < 0 || stepsOffset >= numTrainTimesteps)
        fail("steps_offset " + std::to_string(stepsOffset) + " is not in 0.." + std::to_string(numTrainTimesteps - 1));
    if (!std::isfinite(clipSampleRange) || !(clipSampleRange > 0.0))
        fail("clip_sample_range " + text(clipSampleRange) + " must be above 0");
}

std::string SchedulerConfig::toJson() const {
    json out = json::object();
    out["_class_name"] = className;
    out["num_train_timesteps"] = numTrainTimesteps;
    out["beta_start"] = betaStart;
    out["beta_end"] = betaEnd;
    out["beta_schedule"] = betaScheduleName(betaSchedule);
    out["trained_betas"] = nullptr;
    if (timestepSpacing)
        out["timestep_spacing"] = timestepSpacingName(*timestepSpacing);
    out["steps_offset"] = stepsOffset;
    out["prediction_type"] = predictionTypeName(predictionType);
    out["set_alpha_to_one"] = setAlphaToOne;
    out["clip_sample"] = clipSample;
    out["clip_sample_range"] = clipSampleRange;
    out["use_karras_sigmas"] = useKarrasSigmas;
    out["interpolation_type"] = "linear";
    out["rescale_betas_zero_snr"] = false;
    return out.dump(2);
}

SchedulerConfig SchedulerConfig::fromJson(const std::string& textIn) {
    json file;
    try {
        file = json::parse(textIn);
    } catch (const json::exception&) {
        fail("the file is not valid JSON");
    }
    if (!file.is_object())
        fail("the top level must be a JSON object");

    // diffusers' constructor defaults for the keys a file leaves out (see the header).
    SchedulerConfig c;
    c.className = stringField(file, "_class_name").value_or("");
    c.numTrainTimesteps = integerField(file, "num_train_timesteps", 1000);
    c.betaStart = numberField(file, "beta_start", 0.0001);
    c.betaEnd = numberField(file, "beta_end", 0.02);
    const std::string schedule = stringField(file, "beta_schedule").value_or("linear");
    bool known = false;
    for (const BetaSchedule b : {BetaSchedule::Linear, BetaSchedule::ScaledLinear, BetaSchedule::SquaredCosCapV2})
        if (schedule == betaScheduleName(b)) {
            c.betaSchedule = b;
            known = true;
        }
    if (!known)
        fail("beta_schedule \"" + schedule + "\" is not one of linear, scaled_linear, squaredcos_cap_v2");
    if (const auto spacing = stringField(file, "timestep_spacing")) {
        known = false;
        for (const TimestepSpacing s : {TimestepSpacing::Leading, TimestepSpacing::Trailing, TimestepSpacing::Linspace})
            if (*spacing == timestepSpacingName(s)) {
                c.timestepSpacing = s;
                known = true;
            }
        if (!known)
            fail("timestep_spacing \"" + *spacing + "\" is not one of leading, trailing, linspace");
    } else {
        c.timestepSpacing.reset();
    }
    c.stepsOffset = integerField(file, "steps_offset", 0);
    const std::string prediction = stringField(file, "prediction_type").value_or("epsilon");
    if (prediction == "epsilon")
        c.predictionType = PredictionType::Epsilon;
    else if (prediction == "v_prediction")
        c.predictionType = PredictionType::VPrediction;
    else
        fail("prediction_type \"" + prediction + "\" is not supported (epsilon or v_prediction)");
    c.setAlphaToOne = boolField(file, "set_alpha_to_one", true);
    c.clipSample = boolField(file, "clip_sample", true);
    c.clipSampleRange = numberField(file, "clip_sample_range", 1.0);
    c.useKarrasSigmas = boolField(file, "use_karras_sigmas", false);

    const json* trained = find(file, "trained_betas");
    if (trained && !trained->is_null())
        fail("trained_betas is not supported (only beta_start, beta_end and beta_schedule)");
    requireAbsentOr(file, "rescale_betas_zero_snr", false, "must be false (zero terminal SNR is not supported)");
    requireAbsentOr(file, "thresholding", false, "must be false (dynamic thresholding is not supported)");
    requireAbsentOr(file, "interpolation_type", "linear", "must be \"linear\"");
    requireAbsentOr(file, "timestep_type", "discrete", "must be \"discrete\"");
    requireAbsentOr(file, "sigma_min", nullptr, "is not supported (must be null)");
    requireAbsentOr(file, "sigma_max", nullptr, "is not supported (must be null)");
    c.validate();
    return c;
}

SchedulerConfig SchedulerConfig::load(const std::string& path) {
    const auto bytes = readWholeFile(path, kMaxConfigBytes, "scheduler config");
    return fromJson(std::string(bytes.begin(), bytes.end()));
}

SchedulerConfig withStableDiffusionPipelineFixes(SchedulerConfig config) {
    config.stepsOffset = 1;
    config.clipSample = false;
    return config;
}

}  // namespace sem::diffusion::sd
