# cmake -DBUILD_DIR=<dir> -DTARGET=<target> -DSOURCE=<file> [-DCONFIG=<cfg>]
#       -P expect_compile_failure.cmake
#
# Builds TARGET in BUILD_DIR and succeeds only if the build FAILS and its
# output matches the regex on SOURCE's first line, `// CTNN_EXPECT: <regex>`,
# and, if SOURCE's second line is `// CTNN_MAX_ERRORS: <n>`, the output has
# at most n lines containing `error:` (one wrong shape must not bury the
# message under follow-on errors). Any other outcome (build succeeds, fails
# for another reason, too many errors) is an error.

foreach(var BUILD_DIR TARGET SOURCE)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "expect_compile_failure: -D${var}=... is required")
    endif()
endforeach()

file(STRINGS "${SOURCE}" head_lines LIMIT_COUNT 2)
list(GET head_lines 0 first_line)
if(NOT first_line MATCHES "^// CTNN_EXPECT: (.+)$")
    message(FATAL_ERROR "${SOURCE}: the first line must be `// CTNN_EXPECT: <regex>`")
endif()
set(expect "${CMAKE_MATCH_1}")
string(STRIP "${expect}" expect)

set(max_errors "")
list(LENGTH head_lines head_count)
if(head_count GREATER 1)
    list(GET head_lines 1 second_line)
    if(second_line MATCHES "CTNN_MAX_ERRORS")
        # A misspelt limit must not silently turn the check off.
        if(NOT second_line MATCHES "^// CTNN_MAX_ERRORS: ([1-9][0-9]*)$")
            message(FATAL_ERROR "${SOURCE}: the second line must be `// CTNN_MAX_ERRORS: <n>` (n >= 1), "
                                "got `${second_line}`")
        endif()
        set(max_errors "${CMAKE_MATCH_1}")
    endif()
endif()

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

if(NOT max_errors STREQUAL "")
    # One `error:` line per error on GCC and Clang. Each such line becomes one
    # plain token before counting: the lines themselves may hold `;` or `[`,
    # which a CMake list would split or join.
    string(REGEX REPLACE "[^\n]*error:[^\n]*" "CTNN_ERROR_LINE" marked "${output}")
    string(REGEX MATCHALL "CTNN_ERROR_LINE" error_lines "${marked}")
    list(LENGTH error_lines error_count)
    if(error_count GREATER max_errors)
        message("${output}")
        message(FATAL_ERROR
            "FAIL: ${TARGET} failed to compile with the expected message, but with ${error_count}\n"
            "  lines containing `error:`; at most ${max_errors} allowed (CTNN_MAX_ERRORS)\n  (${SOURCE})")
    endif()
    message(STATUS "PASS: ${TARGET} fails to compile with the expected message (${error_count} error line(s), "
                   "at most ${max_errors}): ${expect}")
else()
    message(STATUS "PASS: ${TARGET} fails to compile with the expected message: ${expect}")
endif()
