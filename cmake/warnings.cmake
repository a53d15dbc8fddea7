# Warnings are errors for Veyra's own code; third-party headers come in as system includes.
# VEYRA_WERROR=OFF is for sanitizer builds, where GCC 12 reports false maybe-uninitialized.
option(VEYRA_WERROR "Treat warnings in Veyra's code as errors" ON)

function(veyra_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wno-missing-field-initializers)
  if(VEYRA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # GCC 12 reports false -Wrestrict positives inside std::string (its bug 105329).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
