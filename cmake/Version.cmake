# Generates semversion.h with the project version and the git hash of the source tree.
find_package(Git QUIET)
set(SEM_GIT_HASH "unknown")
if(GIT_FOUND AND EXISTS "${CMAKE_SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=10 HEAD
                  WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
                  OUTPUT_VARIABLE _hash OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _rc ERROR_QUIET)
  if(_rc EQUAL 0 AND _hash)
    set(SEM_GIT_HASH "${_hash}")
  endif()
endif()
configure_file("${CMAKE_SOURCE_DIR}/cmake/semversion.h.in"
               "${CMAKE_BINARY_DIR}/generated/semversion.h" @ONLY)
add_library(sem_version INTERFACE)
target_include_directories(sem_version INTERFACE "${CMAKE_BINARY_DIR}/generated")
