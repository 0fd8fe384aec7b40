# libFuzzer targets for every parser of untrusted bytes (option SEM_FUZZ, tests/fuzz/, scripts/fuzz.sh).
#
# With SEM_FUZZ=ON every target defined after this file is included is compiled with coverage
# instrumentation for libFuzzer plus AddressSanitizer and UndefinedBehaviorSanitizer (UBSan reports
# abort, so they count as findings). The fuzz executables (sem_add_fuzzer) link libFuzzer's main.
# Needs clang: CC=clang CXX=clang++ cmake -S . -B build-fuzz -DSEM_FUZZ=ON ...
option(SEM_FUZZ "Build the libFuzzer targets in tests/fuzz (clang only; instruments all targets)" OFF)

if(SEM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SEM_FUZZ=ON needs clang (libFuzzer), but the C++ compiler is "
                        "${CMAKE_CXX_COMPILER_ID}; configure a fresh build folder with CC=clang CXX=clang++.")
  endif()
  if(NOT SEM_BUILD_TESTS)
    message(FATAL_ERROR "SEM_FUZZ=ON needs SEM_BUILD_TESTS=ON: the fuzz targets are in tests/fuzz.")
  endif()
  set(SEM_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined)
  add_compile_options(-fsanitize=fuzzer-no-link ${SEM_FUZZ_SANITIZERS} -fno-omit-frame-pointer -g
                      "-fsanitize-coverage-ignorelist=${CMAKE_CURRENT_LIST_DIR}/fuzz-coverage-ignorelist.txt")
  add_link_options(${SEM_FUZZ_SANITIZERS})
endif()

# sem_add_fuzzer(fuzz_x SOURCES fuzz_x.cpp LIBS sem_y): a libFuzzer executable.
function(sem_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} sem_warnings)
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}" "${PROJECT_SOURCE_DIR}/tests")
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()
