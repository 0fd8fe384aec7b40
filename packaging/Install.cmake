# What an installed SemCompress consists of, besides the executables (installed by app/).
include(GNUInstallDirs)
set(SEM_APP_ID "io.github.semcompress.SemCompress")

# Data the programs find relative to their own prefix: <prefix>/share/semcompress/...
set(SEM_DATA_DIR "${CMAKE_INSTALL_DATADIR}/semcompress")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/samples/" DESTINATION "${SEM_DATA_DIR}/samples")
if(EXISTS "${PROJECT_SOURCE_DIR}/models")
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/" DESTINATION "${SEM_DATA_DIR}/models"
          FILES_MATCHING PATTERN "*.safetensors" PATTERN "*.json" PATTERN "*.md")
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
