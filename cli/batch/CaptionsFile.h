#pragma once
#include <QString>
#include <nlohmann/json.hpp>

namespace sem::cli {

// The captions of a collection, as `semc caption IN... -o DIR` writes them and `semc encode IN...
// -o DIR --captions FILE` reads them: a JSON object keyed by each image's path under its folder
// argument (its file name when named directly), each value {"caption", "bytes", "model", "input"}.
class CaptionsFile {
public:
    // Throws sem::Error naming the file when it cannot be read, is over 256 MiB, is not a JSON
    // object, or an entry has no caption text.
    static nlohmann::json load(const QString& path);
    // Written atomically (QSaveFile). Throws sem::Error naming the file.
    static void save(const QString& path, const nlohmann::json& captions);
};

}  // namespace sem::cli
