#pragma once
#include <QImage>
#include <opencv2/core/mat.hpp>

#include "core/edges/EdgeMap.h"

namespace sem::ui {

// The one place where OpenCV images become QImages (always a deep copy).
// CV_8UC1 -> Grayscale8, CV_8UC3 (BGR) -> RGB888, CV_8UC4 (BGRA) -> ARGB32. Empty or other
// types give a null QImage.
QImage toQImage(const cv::Mat& mat);

// The edge map at its own resolution as an overlay: edge pixels opaque, the rest transparent.
// A luma map is drawn white; a per-channel map shows each plane in its colour (R, G, B), so
// pixels where all three agree are white.
QImage edgeOverlayImage(const EdgeMap& map);

}  // namespace sem::ui
