# The kernels' one-boundary rule (src/kernels/README.md), checked on every
# file of src/kernels: no kernel includes a family or KL header (data flows
# down, never back up), and the *_avx2 files, compiled for AVX2, see raw
# pointers and sizes only: no tensors, no checks, no entry-point headers.
# Run: cmake -DSOURCE_DIR=<repository> -P tests/kernel_boundary.cmake
file(GLOB kernel_files ${SOURCE_DIR}/src/kernels/*.h ${SOURCE_DIR}/src/kernels/*.cpp)
set(violations "")
foreach(file ${kernel_files})
  get_filename_component(name ${file} NAME)
  file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include")
  foreach(line ${includes})
    if(line MATCHES "distributions/|kl/|transforms/|estimators/")
      string(APPEND violations "\n  ${name}: ${line} (kernels include no layer above them)")
    endif()
  endforeach()
  if(name MATCHES "_avx2\\.(cpp|h)$")
    file(STRINGS ${file} lines)
    foreach(line ${lines})
      if(line MATCHES "at::Tensor|TORCH_CHECK|data_ptr|#include \"(fused|samplers|normal_one_element)\\.h\"")
        string(APPEND violations "\n  ${name}: ${line} (raw kernels take pointers and sizes only)")
      endif()
    endforeach()
  endif()
endforeach()
list(LENGTH kernel_files count)
if(violations)
  message(FATAL_ERROR "src/kernels breaks the one-boundary rule:${violations}")
endif()
message(STATUS "kernel boundary: ${count} files in src/kernels follow the one-boundary rule")
