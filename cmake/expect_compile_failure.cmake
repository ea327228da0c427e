# cmake -DBUILD_DIR=<dir> -DTARGET=<target> -DSOURCE=<file> [-DCONFIG=<cfg>]
#       -P expect_compile_failure.cmake
#
# Builds TARGET in BUILD_DIR and succeeds only if the build FAILS and its
# output matches the regex on SOURCE's first line, `// CTNN_EXPECT: <regex>`.
# Any other outcome (build succeeds, fails for another reason) is an error.

foreach(var BUILD_DIR TARGET SOURCE)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "expect_compile_failure: -D${var}=... is required")
    endif()
endforeach()

file(STRINGS "${SOURCE}" first_line LIMIT_COUNT 1)
if(NOT first_line MATCHES "^// CTNN_EXPECT: (.+)$")
    message(FATAL_ERROR "${SOURCE}: the first line must be `// CTNN_EXPECT: <regex>`")
endif()
set(expect "${CMAKE_MATCH_1}")
string(STRIP "${expect}" expect)

set(config_args)
if(DEFINED CONFIG AND NOT "${CONFIG}" STREQUAL "")
    set(config_args --config "${CONFIG}")
endif()

execute_process(
    COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target "${TARGET}" ${config_args}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)   # same variable: stdout and stderr interleaved

if(result EQUAL 0)
    message("${output}")
    message(FATAL_ERROR "FAIL: ${TARGET} compiled, but it must not (${SOURCE})")
endif()

if(NOT output MATCHES "${expect}")
    message("${output}")
    message(FATAL_ERROR
        "FAIL: ${TARGET} failed to compile, but the output does not match\n"
        "  the expected regex: ${expect}\n  (${SOURCE})")
endif()

message(STATUS "PASS: ${TARGET} fails to compile with the expected message: ${expect}")
