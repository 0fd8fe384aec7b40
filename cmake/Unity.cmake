# Unity builds of our libraries: CMake compiles their sources SEM_UNITY_BATCH files to one
# translation unit. <torch/torch.h> costs each file 12-15 s of compiler front end, and the inline
# code every file instantiates is compiled again in each: the four samplers of diffusion/sd take 76 s
# of CPU with the sanitizers file by file and 21 s as one unit (docs/bench/asan.md, "Session 15").
# Sources that must stay apart say so with the SKIP_UNITY_BUILD_INCLUSION source property.
# -DSEM_UNITY_BUILD=OFF compiles file by file (as an IDE indexes them).
option(SEM_UNITY_BUILD "Compile the libraries a batch of files at a time" ON)
set(SEM_UNITY_BATCH 8 CACHE STRING "Files per unity translation unit (SEM_UNITY_BUILD)")

function(sem_unity_build target)
  if(SEM_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE BATCH
                                              UNITY_BUILD_BATCH_SIZE "${SEM_UNITY_BATCH}")
  endif()
endfunction()
