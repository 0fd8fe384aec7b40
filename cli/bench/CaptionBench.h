#pragma once
#include <iosfwd>

namespace sem::cli {

// The caption client's own cost per request: CaptionClient::captionBlocking against a server on
// 127.0.0.1 (in this process) that answers at once, so network and model time are zero.
struct CaptionBenchReport {
    int requests = 0;
    int width = 0, height = 0;    // the synthetic test image
    double encodeMs = 0.0;        // mean: downscale + JPEG + base64 + JSON body
    double requestMeanMs = 0.0;   // mean of whole captionBlocking calls (encoding included)
    double requestMedianMs = 0.0;
    double requestMaxMs = 0.0;
    long long requestBytes = 0;   // size of one request body
};

// Needs a QCoreApplication. Throws sem::Error if a request fails.
CaptionBenchReport runCaptionBench(int requests = 50, int width = 768, int height = 512);
void printCaptionBench(const CaptionBenchReport& report, std::ostream& out);  // markdown table

}  // namespace sem::cli
