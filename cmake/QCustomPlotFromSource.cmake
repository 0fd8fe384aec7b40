# QCustomPlotQt6::QCustomPlotQt6 built from the QCustomPlot source release (qcustomplot.h/.cpp in
# SEM_QCUSTOMPLOT_SOURCE_DIR), for platforms without Debian's libqcustomplot-dev (the Windows CI).
set(SEM_QCUSTOMPLOT_SOURCE_DIR "" CACHE PATH "Folder with qcustomplot.h and qcustomplot.cpp (instead of find_package)")
if(NOT EXISTS "${SEM_QCUSTOMPLOT_SOURCE_DIR}/qcustomplot.cpp")
  message(FATAL_ERROR "SEM_QCUSTOMPLOT_SOURCE_DIR=${SEM_QCUSTOMPLOT_SOURCE_DIR} has no qcustomplot.cpp")
endif()
add_library(sem_qcustomplot STATIC
  "${SEM_QCUSTOMPLOT_SOURCE_DIR}/qcustomplot.h" "${SEM_QCUSTOMPLOT_SOURCE_DIR}/qcustomplot.cpp")
set_target_properties(sem_qcustomplot PROPERTIES AUTOMOC ON)
# Third-party code: its headers are system headers for our targets (no warnings from them).
target_include_directories(sem_qcustomplot SYSTEM PUBLIC "${SEM_QCUSTOMPLOT_SOURCE_DIR}")
target_link_libraries(sem_qcustomplot PUBLIC Qt6::Widgets Qt6::PrintSupport)
add_library(QCustomPlotQt6::QCustomPlotQt6 ALIAS sem_qcustomplot)
