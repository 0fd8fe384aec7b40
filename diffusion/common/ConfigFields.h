#pragma once
// Typed, validated reads of the fields of a diffusers/transformers config.json (torch-free). Every
// failure throws Error("<part>: ...") naming the field, so a broken file never reaches an allocation.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sem::diffusion::config_fields {

// `value` as an int when it is a JSON integer in int's range (nlohmann's get<int>() would wrap
// 4294967300 to 4 and make 1e30 undefined behaviour); false otherwise. The one such check of the
// engine's JSON readers (model card, config.json, scheduler_config.json).
bool jsonToInt(const nlohmann::json& value, int& out);

// The top-level object of `text`; throws "<part>: the file is not valid JSON." or "... not an object.".
nlohmann::json parseObject(const std::string& text, const std::string& part);
// The whole file at `path` (at most 1 MiB: a config.json is a few hundred bytes).
std::string readConfigFile(const std::string& path, const std::string& part);

// A field of `object`, or `fallback` when the key is absent. Integers must be JSON integers in the
// range of int (no silent wrap, no float truncation); reals must be finite numbers.
int intField(const nlohmann::json& object, const char* key, int fallback, const std::string& part);
double realField(const nlohmann::json& object, const char* key, double fallback, const std::string& part);
bool boolField(const nlohmann::json& object, const char* key, bool fallback, const std::string& part);
std::string stringField(const nlohmann::json& object, const char* key, const std::string& fallback,
                        const std::string& part);
std::vector<int> intListField(const nlohmann::json& object, const char* key, const std::vector<int>& fallback,
                              const std::string& part);
std::vector<std::string> stringListField(const nlohmann::json& object, const char* key,
                                         const std::vector<std::string>& fallback, const std::string& part);

}  // namespace sem::diffusion::config_fields
