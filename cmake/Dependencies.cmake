# Every third-party dependency comes from Debian 12 packages (scripts/debian-packages.txt).
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Network Concurrent Test)
if(SEM_BUILD_GUI)
  # QCustomPlot's config needs Qt6::PrintSupport found first.
  find_package(Qt6 6.4 REQUIRED COMPONENTS Gui Widgets PrintSupport)
  if(SEM_QCUSTOMPLOT_SOURCE_DIR)
    # Where no package ships it (Windows): build qcustomplot.cpp from its release tarball.
    include(QCustomPlotFromSource)
  else()
    find_package(QCustomPlotQt6 REQUIRED)
  endif()
endif()
find_package(OpenCV 4.6 REQUIRED COMPONENTS core imgproc imgcodecs)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Qt6Keychain REQUIRED)  # qtkeychain-qt6-dev: the API key in the OS keychain
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(BROTLI REQUIRED IMPORTED_TARGET libbrotlienc libbrotlidec)
pkg_check_modules(AVIF REQUIRED IMPORTED_TARGET libavif)
pkg_check_modules(WEBP REQUIRED IMPORTED_TARGET libwebp)

# JBIG-KIT ships neither a CMake config nor a pkg-config file.
find_path(JBIG_INCLUDE_DIR jbig.h REQUIRED)
find_library(JBIG_LIBRARY NAMES jbig libjbig REQUIRED)  # libjbig.lib: vcpkg (Windows)
if(NOT TARGET JBIG::jbig)
  add_library(JBIG::jbig UNKNOWN IMPORTED)
  set_target_properties(JBIG::jbig PROPERTIES
    IMPORTED_LOCATION "${JBIG_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${JBIG_INCLUDE_DIR}")
endif()

if(SEM_BUILD_DIFFUSION)
  include(TorchPackage)  # Debian's libtorch-dev (CPU, 1.13) or a CUDA LibTorch 2.x
endif()
