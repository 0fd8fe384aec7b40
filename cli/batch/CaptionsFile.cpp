#include "cli/batch/CaptionsFile.h"

#include <QFile>
#include <QSaveFile>
#include <string>

#include "core/common/Error.h"

namespace sem::cli {
namespace {

constexpr qint64 kMaxCaptionsFileBytes = 256 << 20;

}  // namespace

nlohmann::json CaptionsFile::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error("cannot read " + path.toStdString() + ": " + f.errorString().toStdString());
    if (f.size() > kMaxCaptionsFileBytes)
        throw Error(path.toStdString() + " is larger than 256 MiB");
    const QByteArray bytes = f.readAll();
    nlohmann::json j = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
    if (!j.is_object())
        throw Error(path.toStdString() + " is not a captions file (a JSON object keyed by image)");
    for (const auto& [key, entry] : j.items())
        if (!entry.is_object() || !entry.contains("caption") || !entry["caption"].is_string())
            throw Error(path.toStdString() + ": the entry '" + key + "' has no caption text");
    return j;
}

void CaptionsFile::save(const QString& path, const nlohmann::json& captions)
{
    const std::string text = captions.dump(2) + "\n";
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), static_cast<qint64>(text.size())) != qint64(text.size())
        || !f.commit())
        throw Error("cannot write " + path.toStdString() + ": " + f.errorString().toStdString());
}

}  // namespace sem::cli
