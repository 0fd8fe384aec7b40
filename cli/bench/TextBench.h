#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace sem::bench {

// One caption of the Flickr8k-style CSV (header "image,caption"; quoted fields allowed).
struct CaptionRow {
    std::string image;
    std::string caption;
};

// Reads the CSV; throws sem::Error on a malformed file.
std::vector<CaptionRow> readCaptionsCsv(const std::string& path);

// The split used for the caption dictionary: by a hash (FNV-1a) of the image name, so all
// captions of one image fall on the same side. true = training half.
bool isTrainingImage(const std::string& imageName);

// Mean bytes per caption of every candidate method, measured on the test half (the preset
// dictionary is built from the training half). Writes a markdown table; returns 0, or 1 on error.
int runTextCodecBench(const std::string& captionsCsvPath, std::ostream& out);

// Regenerates core/text/CaptionDictionary.cpp from the training half of the CSV.
int writeCaptionDictionarySource(const std::string& captionsCsvPath, const std::string& outputCppPath,
                                 std::ostream& out);

}  // namespace sem::bench
