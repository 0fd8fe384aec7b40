#include "cli/eval/EvalImages.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <opencv2/imgcodecs.hpp>

#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "training/data/ShardReader.h"
#include "training/data/ShardWriter.h"

namespace sem::cli {

namespace fs = std::filesystem;

std::vector<EvalImage> loadEvalImages(const std::string& dir, const std::string& captionsPath, int limit)
{
    std::map<std::string, std::vector<std::string>> captions;
    if (!captionsPath.empty())
        captions = training::ShardWriter::readCaptions(captionsPath);
    std::vector<EvalImage> out;
    auto captionOf = [&](const std::string& file, const std::vector<std::string>& fallback) {
        const auto it = captions.find(fs::path(file).filename().string());
        const auto& list = it != captions.end() ? it->second : fallback;
        return list.empty() ? std::string() : list.front();
    };
    if (fs::exists(fs::path(dir) / "index.json")) {
        // A prepared data set: its validation split, from the original files when they are still there.
        const training::ShardReader reader(dir);
        const auto all = reader.split(true);
        std::vector<const training::ShardRecord*> chosen;
        // --limit picks evenly spaced images across the split (it is sorted by path: BSDS, then captioned).
        const std::size_t n = limit > 0 ? std::min<std::size_t>(static_cast<std::size_t>(limit), all.size()) : all.size();
        for (std::size_t k = 0; k < n; ++k)
            chosen.push_back(all[k * all.size() / n]);
        for (const auto* r : chosen) {
            const fs::path original = fs::path(reader.sourceDirectory()) / r->name;
            EvalImage e;
            e.name = r->name;
            e.bgr = fs::exists(original) ? cv::imread(original.string(), cv::IMREAD_COLOR)
                                         : cv::imdecode(r->jpeg, cv::IMREAD_COLOR);
            e.caption = captionOf(r->name, r->captions);
            if (!e.bgr.empty())
                out.push_back(std::move(e));
        }
    } else {
        if (!fs::is_directory(dir))
            throw Error("'" + dir + "' is neither a prepared data folder nor a folder of images.");
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir)) {
            std::string ext = entry.path().extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (entry.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png"))
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const fs::path& f : files) {
            if (limit > 0 && static_cast<int>(out.size()) >= limit)
                break;
            EvalImage e;
            e.name = f.filename().string();
            e.bgr = ImageIO::load(f.string()).bgr;
            e.caption = captionOf(e.name, {});
            out.push_back(std::move(e));
        }
    }
    if (out.empty())
        throw Error("no images to evaluate in '" + dir + "'.");
    return out;
}


}  // namespace sem::cli
