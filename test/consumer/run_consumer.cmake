# cmake -DMODE=package|subdirectory|fetchcontent -DCTNN_SOURCE_DIR=<src>
#       -DCTNN_BINARY_DIR=<ctnn build> -DWORK_DIR=<scratch> -DCXX_COMPILER=<c++>
#       [-DGENERATOR=<generator>] -P run_consumer.cmake
#
# One consumer test (test/CMakeLists.txt, label `consumer`): configures and
# builds the project in test/consumer/ in WORK_DIR (emptied first) with ctnn's
# compiler, at -O1, getting ctnn by MODE; for `package` it first installs the
# ctnn build into WORK_DIR/prefix with `cmake --install`. Then runs the
# program, which must exit 0 and print OK.
foreach(var MODE CTNN_SOURCE_DIR CTNN_BINARY_DIR WORK_DIR CXX_COMPILER)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run_consumer: -D${var}=... is required")
    endif()
endforeach()

function(run step)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
    message("---- ${step}: ${ARGN}\n${out}")
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "FAIL (${MODE}): ${step} failed (${result})")
    endif()
    set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(args
    -S "${CTNN_SOURCE_DIR}/test/consumer" -B "${WORK_DIR}/build"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1"
    "-DCTNN_CONSUME=${MODE}"
    "-DCTNN_SOURCE_DIR=${CTNN_SOURCE_DIR}"
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
if(DEFINED GENERATOR AND NOT "${GENERATOR}" STREQUAL "")
    list(APPEND args -G "${GENERATOR}")
endif()

if(MODE STREQUAL "package")
    run("install ctnn" "${CMAKE_COMMAND}" --install "${CTNN_BINARY_DIR}" --prefix "${WORK_DIR}/prefix")
    list(APPEND args "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" "-DCTNN_EXPECTED_PREFIX=${WORK_DIR}/prefix")
endif()

run("configure the consumer" "${CMAKE_COMMAND}" ${args})
run("build the consumer" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
execute_process(COMMAND "${WORK_DIR}/build/ctnn_consumer"
                WORKING_DIRECTORY "${WORK_DIR}"
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("---- run the consumer\n${out}")
if(NOT result EQUAL 0 OR NOT out MATCHES "(^|\n)OK\n")
    message(FATAL_ERROR "FAIL (${MODE}): the consumer program did not print OK (exit ${result})")
endif()
message(STATUS "PASS (${MODE}): consumer configured, built and ran")
