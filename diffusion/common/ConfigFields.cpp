#include "diffusion/common/ConfigFields.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "diffusion/DiffusionError.h"
#include "diffusion/FileIO.h"

namespace sem::diffusion::config_fields {

namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxConfigBytes = 1ull << 20;
constexpr std::size_t kMaxListLength = 64;

[[noreturn]] void fail(const std::string& part, const std::string& what) {
    throw Error(part + ": " + what + ".");
}

}  // namespace

bool jsonToInt(const json& value, int& out) {
    if (value.is_number_unsigned()) {
        const auto u = value.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
            return false;
        out = static_cast<int>(u);
        return true;
    }
    if (value.is_number_integer()) {
        const auto i = value.get<std::int64_t>();
        if (i < std::numeric_limits<int>::min() || i > std::numeric_limits<int>::max())
            return false;
        out = static_cast<int>(i);
        return true;
    }
    return false;
}

json parseObject(const std::string& text, const std::string& part) {
    json object;
    try {
        object = json::parse(text);
    } catch (const json::exception&) {
        fail(part, "the file is not valid JSON");
    }
    if (!object.is_object())
        fail(part, "the top level is not a JSON object");
    return object;
}

std::string readConfigFile(const std::string& path, const std::string& part) {
    const std::vector<std::uint8_t> bytes = readWholeFile(path, kMaxConfigBytes, part);
    return std::string(bytes.begin(), bytes.end());
}

int intField(const json& object, const char* key, int fallback, const std::string& part) {
    const auto it = object.find(key);
    if (it == object.end())
        return fallback;
    int value = 0;
    if (!jsonToInt(*it, value))
        fail(part, std::string("'") + key + "' must be an integer in the range of int");
    return value;
}

double realField(const json& object, const char* key, double fallback, const std::string& part) {
    const auto it = object.find(key);
    if (it == object.end())
        return fallback;
    if (!it->is_number())
        fail(part, std::string("'") + key + "' must be a number");
    const double value = it->get<double>();
    if (!std::isfinite(value))
        fail(part, std::string("'") + key + "' must be finite");
    return value;
}

bool boolField(const json& object, const char* key, bool fallback, const std::string& part) {
    const auto it = object.find(key);
    if (it == object.end())
        return fallback;
    if (!it->is_boolean())
        fail(part, std::string("'") + key + "' must be true or false");
    return it->get<bool>();
}

std::string stringField(const json& object, const char* key, const std::string& fallback, const std::string& part) {
    const auto it = object.find(key);
    if (it == object.end())
        return fallback;
    if (!it->is_string())
        fail(part, std::string("'") + key + "' must be a string");
    return it->get<std::string>();
}

std::vector<int> intListField(const json& object, const char* key, const std::vector<int>& fallback,
                              const std::string& part) {
    const auto it = object.find(key);
    if (it == object.end())
        return fallback;
    if (!it->is_array() || it->size() > kMaxListLength)
        fail(part, std::string("'") + key + "' must be a list of at most " + std::to_string(kMaxListLength) +
                       " integers");
    std::vector<int> values;
    for (const json& v : *it) {
        int value = 0;
        if (!jsonToInt(v, value))
            fail(part, std::string("'") + key + "' must hold integers in the range of int");
        values.push_back(value);
    }
    return values;
}

std::vector<std::string> stringListField(const json& object, const char* key, const std::vector<std::string>& fallback,
                                         const std::string& part) {
    const auto it = object.find(key);
    if (it == object.end())
        return fallback;
    if (!it->is_array() || it->size() > kMaxListLength)
        fail(part, std::string("'") + key + "' must be a list of at most " + std::to_string(kMaxListLength) +
                       " strings");
    std::vector<std::string> values;
    for (const json& v : *it) {
        if (!v.is_string())
            fail(part, std::string("'") + key + "' must hold strings");
        values.push_back(v.get<std::string>());
    }
    return values;
}

}  // namespace sem::diffusion::config_fields
