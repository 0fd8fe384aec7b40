# find_package(Torch) for the project and for training/ on its own: Debian's libtorch-dev (CPU,
# 1.13) or a CUDA LibTorch 2.x put first on CMAKE_PREFIX_PATH (a pip wheel's
# torch.utils.cmake_prefix_path).
find_package(Torch REQUIRED)

# A CUDA LibTorch 2.x's config (Caffe2/public/cuda.cmake) gives torch::nvtoolsext the link library
# CUDA::nvToolsExt, which CUDA 12.9 and later no longer ship (NVTX became header-only, nvtx3) and
# FindCUDAToolkit then does not define: generating fails with "the link interface of target
# torch::nvtoolsext contains CUDA::nvToolsExt but the target was not found" (pytorch/pytorch#152756).
# Nothing of ours calls NVTX, so stand in the header-only NVTX 3 for it. CPU builds never define
# torch::nvtoolsext and are untouched.
if(TARGET torch::nvtoolsext AND NOT TARGET CUDA::nvToolsExt)
  add_library(CUDA::nvToolsExt INTERFACE IMPORTED)
  if(TARGET CUDA::nvtx3)
    target_link_libraries(CUDA::nvToolsExt INTERFACE CUDA::nvtx3)
  elseif(CUDAToolkit_INCLUDE_DIRS)
    target_include_directories(CUDA::nvToolsExt INTERFACE ${CUDAToolkit_INCLUDE_DIRS})
  endif()
  message(STATUS "LibTorch links CUDA::nvToolsExt, which this CUDA toolkit lacks: header-only NVTX 3 stands in")
endif()
