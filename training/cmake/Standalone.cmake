# training/ as its own project: LibTorch and nlohmann-json, nothing else (no Qt, no OpenCV, no zlib).
# Builds sem_training_pool, sem_trainer, semc-train and `semtrain_engine`, the part of diffusion/
# (the built-in model family) that the trainer needs.
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()
option(SEM_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(SEM_WARNINGS_AS_ERRORS "Treat warnings in our code as errors" OFF)
set(SEM_TRAIN_STANDALONE ON)

set(_root "${CMAKE_CURRENT_LIST_DIR}/../..")
include("${_root}/cmake/Warnings.cmake")
include("${_root}/cmake/Sanitizers.cmake")
include("${_root}/cmake/Unity.cmake")
include("${_root}/cmake/TorchPackage.cmake")
find_package(nlohmann_json 3.10 REQUIRED)

add_library(semtrain_engine STATIC
  ${_root}/diffusion/FileIO.cpp
  ${_root}/diffusion/SafeTensors.cpp
  ${_root}/diffusion/common/ConfigFields.cpp
  ${_root}/diffusion/builtin/ModelConfig.cpp
  ${_root}/diffusion/builtin/Network.cpp
  ${_root}/diffusion/builtin/NoiseSchedule.cpp
  ${_root}/diffusion/builtin/Sampler.cpp
  ${_root}/diffusion/builtin/Tokenizer.cpp
  ${_root}/diffusion/common/Device.cpp
  ${_root}/diffusion/common/GaussianNoise.cpp)
target_include_directories(semtrain_engine PUBLIC "${_root}")
target_include_directories(semtrain_engine SYSTEM PUBLIC ${TORCH_INCLUDE_DIRS})
target_link_libraries(semtrain_engine PUBLIC "${TORCH_LIBRARIES}"
                      PRIVATE nlohmann_json::nlohmann_json sem_warnings sem_sanitizers)
set_target_properties(semtrain_engine PROPERTIES POSITION_INDEPENDENT_CODE ON)
sem_unity_build(semtrain_engine)
