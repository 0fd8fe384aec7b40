# Warnings for our own code, as an INTERFACE target every project target links.
add_library(sem_warnings INTERFACE)
if(MSVC)
  target_compile_options(sem_warnings INTERFACE /W4 /permissive- /utf-8)
  # std::getenv/std::fopen are standard C++; MSVC's C4996 "may be unsafe" would break /WX.
  target_compile_definitions(sem_warnings INTERFACE _CRT_SECURE_NO_WARNINGS)
  if(SEM_WARNINGS_AS_ERRORS)
    target_compile_options(sem_warnings INTERFACE /WX)
  endif()
else()
  target_compile_options(sem_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
    -Wcast-align -Wunused -Wnull-dereference -Wdouble-promotion -Wformat=2)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # Qt's QTEST_MAIN passes no argument to a variadic macro's "...", which clang's -Wpedantic reports
    # in every test (the fuzz build compiles the tests with clang).
    target_compile_options(sem_warnings INTERFACE -Wno-gnu-zero-variadic-macro-arguments)
  endif()
  if(SEM_WARNINGS_AS_ERRORS)
    target_compile_options(sem_warnings INTERFACE -Werror)
  endif()
endif()
