# Helpers for ctnn's *own* targets (tests, examples, benchmarks).
# Warnings and -march flags go here, never on the ctnn INTERFACE target, so
# consumers of ctnn::ctnn are never forced to use them.

# ctnn_apply_options(<target>)
#   Links ctnn::ctnn and applies the project options to an existing target:
#   CTNN_WARNINGS_AS_ERRORS -> -Wall -Wextra -Werror
#   CTNN_NATIVE             -> -march=native
#   always                  -> -fno-math-errno
#   and defines CTNN_SOURCE_DIR="<source dir>" (fallback data dir: CTNN_SOURCE_DIR "/data/mnist").
function(ctnn_apply_options target)
    target_link_libraries(${target} PRIVATE ctnn::ctnn)
    target_compile_definitions(${target} PRIVATE CTNN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    if(CTNN_WARNINGS_AS_ERRORS)
        target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
    endif()
    if(CTNN_NATIVE)
        target_compile_options(${target} PRIVATE -march=native)
    endif()
    # std::sqrt / std::exp without errno let loops with them vectorise; the
    # library never reads errno. A consumer chooses this for its own targets.
    target_compile_options(${target} PRIVATE -fno-math-errno)
endfunction()

# ctnn_add_program(<name> <source>)
#   An executable <name> built from <source> with ctnn_apply_options.
function(ctnn_add_program name source)
    add_executable(${name} ${source})
    ctnn_apply_options(${name})
endfunction()
