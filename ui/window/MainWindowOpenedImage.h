#pragma once
// Private to MainWindowFile.cpp and MainWindowOpen.cpp.
#include <QString>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "ui/views/ImagePyramid.h"
#include "ui/window/MainWindow.h"

namespace sem::ui {

// An image file read and prepared for the view (on a worker thread for openPathAsync()).
struct MainWindow::OpenedImage {
    cv::Mat bgr;
    ImagePyramid original;  // the view's copy of it
    std::vector<std::string> warnings;
    QString error;
};

// True if the file starts with the .sem magic (reads 3 bytes).
bool hasSemMagic(const QString& path);

}  // namespace sem::ui
