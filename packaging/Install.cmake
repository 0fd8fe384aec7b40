# What an installed SemCompress consists of, besides the executables (installed by app/).
include(GNUInstallDirs)
set(SEM_APP_ID "io.github.semcompress.SemCompress")

# Data the programs find relative to their own prefix: <prefix>/share/semcompress/...
set(SEM_DATA_DIR "${CMAKE_INSTALL_DATADIR}/semcompress")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/samples/" DESTINATION "${SEM_DATA_DIR}/samples")
if(EXISTS "${PROJECT_SOURCE_DIR}/models")
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/" DESTINATION "${SEM_DATA_DIR}/models"
          FILES_MATCHING PATTERN "*.safetensors" PATTERN "*.json" PATTERN "*.md"
                         PATTERN "*.txt.gz" PATTERN "LICENSE")  # models/clip: CLIP's vocabulary, MIT
endif()

if(UNIX AND NOT APPLE)
  install(FILES "${PROJECT_SOURCE_DIR}/packaging/linux/${SEM_APP_ID}.desktop"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
  install(FILES "${PROJECT_SOURCE_DIR}/packaging/linux/${SEM_APP_ID}.metainfo.xml"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
  install(FILES "${PROJECT_SOURCE_DIR}/packaging/linux/${SEM_APP_ID}.xml"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/mime/packages")
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/packaging/icons/hicolor"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/icons")
endif()

# Windows: everything the executables load sits beside them in bin/ (no system-wide libraries).
# Built only by the Windows CI workflow (.github/workflows/windows.yml); untested on this project's
# Linux machines.
if(WIN32)
  # The MSVC runtime (msvcp140.dll, vcruntime140*.dll) into bin/.
  set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION "${CMAKE_INSTALL_BINDIR}")
  include(InstallRequiredSystemLibraries)

  # The Qt runtime and plugins, by Qt's deploy API (windeployqt underneath).
  foreach(_sem_exe IN ITEMS semc semcompress)
    if(TARGET ${_sem_exe})
      if(Qt6Core_VERSION VERSION_GREATER_EQUAL 6.5)
        qt_generate_deploy_app_script(TARGET ${_sem_exe} OUTPUT_SCRIPT _sem_deploy NO_UNSUPPORTED_PLATFORM_ERROR)
      else()
        qt_generate_deploy_app_script(TARGET ${_sem_exe} FILENAME_VARIABLE _sem_deploy NO_UNSUPPORTED_PLATFORM_ERROR)
      endif()
      install(SCRIPT "${_sem_deploy}")
    endif()
  endforeach()

  # LibTorch's DLLs (torch_cpu, c10, libiomp5md, uv, ...) from the official zip's lib/ folder.
  if(SEM_BUILD_DIFFUSION)
    file(GLOB _sem_torch_dlls "${Torch_DIR}/../../../lib/*.dll")
    if(_sem_torch_dlls)
      install(FILES ${_sem_torch_dlls} DESTINATION "${CMAKE_INSTALL_BINDIR}")
    else()
      message(WARNING "No LibTorch DLLs under ${Torch_DIR}/../../../lib: the installed programs will not start")
    endif()
  endif()

  # OpenCV's and QtKeychain's DLLs from their imported targets. Their own dependencies from vcpkg
  # (libpng, libjpeg, libtiff, libwebp, zlib, brotli, libavif, ...) are copied at install time by
  # vcpkg's X_VCPKG_APPLOCAL_DEPS_INSTALL (set in the windows-msvc preset).
  foreach(_sem_lib IN ITEMS opencv_core opencv_imgproc opencv_imgcodecs Qt6Keychain::Qt6Keychain)
    if(TARGET ${_sem_lib})
      get_target_property(_sem_type ${_sem_lib} TYPE)
      if(_sem_type STREQUAL "SHARED_LIBRARY")
        install(FILES "$<TARGET_FILE:${_sem_lib}>" DESTINATION "${CMAKE_INSTALL_BINDIR}")
      endif()
    endif()
  endforeach()
endif()
