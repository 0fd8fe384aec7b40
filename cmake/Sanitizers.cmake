# AddressSanitizer + UndefinedBehaviorSanitizer as an INTERFACE target (option SEM_SANITIZE).
add_library(sem_sanitizers INTERFACE)
if(SEM_SANITIZE AND NOT MSVC)
  set(_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_compile_options(sem_sanitizers INTERFACE ${_san})
  target_link_options(sem_sanitizers INTERFACE ${_san})
endif()
