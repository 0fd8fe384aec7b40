#pragma once
#include <iosfwd>
#include <opencv2/core/mat.hpp>
#include <string>

namespace sem::cli {

// The caption client's own cost per request: CaptionClient::captionBlocking against a server on
// 127.0.0.1 (in this process) that answers at once, so network and model time are zero.
struct CaptionBenchReport {
    int requests = 0;
    int width = 0, height = 0;    // the synthetic test image
    std::string detail;           // "low", "high" or "auto" (sets the size sent)
    bool serverQuickAck = true;   // see runCaptionBench
    double encodeMedianMs = 0.0;  // downscale + JPEG + base64 + JSON body
    double requestMedianMs = 0.0; // whole captionBlocking calls (encoding included), wall time
    double requestMeanMs = 0.0;
    double requestMaxMs = 0.0;
    double requestCpuMs = 0.0;    // process CPU time per call (the in-process server included)
    long long requestBytes = 0;   // size of one request body
};

// A photo-like test image: gradients, shapes and mild noise (deterministic).
cv::Mat captionBenchImage(int width = 768, int height = 512);

// `requests` timed calls after one warm-up call. `serverQuickAck` (Linux only): the local server
// acknowledges data at once, removing a delayed-ACK stall of up to 40 ms that the loopback setup
// adds to some request sizes (Qt's HTTP/1.1 client does not set TCP_NODELAY).
// Needs a QCoreApplication. Throws sem::Error if a request fails.
CaptionBenchReport runCaptionBench(int requests, const cv::Mat& image, const std::string& detail = "low",
                                   bool serverQuickAck = true);
void printCaptionBench(const CaptionBenchReport& report, std::ostream& out);  // markdown table

}  // namespace sem::cli
