#pragma once

namespace sem {

// Everything that shapes the edge map, i.e. the rate knobs of DESIGN §4.
struct CannyParams {
    double low = 100.0;           // hysteresis thresholds on the gradient magnitude
    double high = 200.0;
    bool autoThresholds = false;  // derive low/high from the median of the (blurred) luma
    double autoSigma = 0.33;      // low = (1-s)*median, high = (1+s)*median
    double blurSigma = 1.0;       // Gaussian pre-blur (0 = none)
    int aperture = 3;             // Sobel aperture: 3, 5 or 7
    bool l2Gradient = true;
    int scaleDenominator = 4;     // edge map is the image / 1, 2, 4 or 8 on each side
    int minLength = 0;            // drop 8-connected fragments with fewer pixels than this
    bool perChannel = false;      // one map per B,G,R channel instead of one on luma

    // Throws sem::Error naming the first field out of range.
    void validate() const;
    bool operator==(const CannyParams& o) const;
};

}  // namespace sem
