# ctnnConfig.cmake — installed by cmake/install-rules.cmake.
#
#   find_package(ctnn 0.1 CONFIG REQUIRED)                        ctnn::ctnn
#   find_package(ctnn 0.1 CONFIG REQUIRED COMPONENTS data io)     + ctnn::data, ctnn::io
#   find_package(ctnn 0.1 CONFIG REQUIRED OPTIONAL_COMPONENTS io) use if(TARGET ctnn::io)
#
# ctnn::ctnn  C++20, OpenMP, Boost headers; every header except those below
# ctnn::data  + zlib:   data/gzip, idx, mnist, fashion_mnist; <ctnn/ctnn.hpp>
# ctnn::io    + libpng: io/png, image_grid, classify_image, weights, export_header
#             (links ctnn::data: weight files use zlib's crc32)
#
# ctnn::data and ctnn::io are looked for whether or not they are asked for.
# One whose dependency is missing is not defined; if it was asked for as a
# required component, find_package fails naming what to install, otherwise a
# status message says what is unavailable and ctnn::ctnn works as usual.
include(CMakeFindDependencyMacro)
find_dependency(OpenMP COMPONENTS CXX)
find_dependency(Boost 1.74)

include("${CMAKE_CURRENT_LIST_DIR}/ctnnTargets.cmake")

set(_ctnn_missing "")
set(_ctnn_failed FALSE)

# ctnn::data: zlib
set(ctnn_data_FOUND FALSE)
if(NOT EXISTS "${CMAKE_CURRENT_LIST_DIR}/ctnnDataTargets.cmake")
    set(_ctnn_data_reason "this ctnn was installed from a build without zlib")
else()
    find_package(ZLIB QUIET)
    if(ZLIB_FOUND)
        include("${CMAKE_CURRENT_LIST_DIR}/ctnnDataTargets.cmake")
        set(ctnn_data_FOUND TRUE)
    else()
        set(_ctnn_data_reason "zlib not found (Debian: apt-get install zlib1g-dev)")
    endif()
endif()
if(NOT ctnn_data_FOUND)
    list(APPEND _ctnn_missing "ctnn::data (MNIST / IDX loaders, <ctnn/ctnn.hpp>): ${_ctnn_data_reason}")
endif()

# ctnn::io: libpng, and ctnn::data
set(ctnn_io_FOUND FALSE)
if(NOT ctnn_data_FOUND)
    set(_ctnn_io_reason "needs ctnn::data")
elseif(NOT EXISTS "${CMAKE_CURRENT_LIST_DIR}/ctnnIoTargets.cmake")
    set(_ctnn_io_reason "this ctnn was installed from a build without libpng")
else()
    find_package(PNG QUIET)
    if(PNG_FOUND)
        include("${CMAKE_CURRENT_LIST_DIR}/ctnnIoTargets.cmake")
        set(ctnn_io_FOUND TRUE)
    else()
        set(_ctnn_io_reason "libpng not found (Debian: apt-get install libpng-dev)")
    endif()
endif()
if(NOT ctnn_io_FOUND)
    list(APPEND _ctnn_missing "ctnn::io (PNG files, image grids, weight files): ${_ctnn_io_reason}")
endif()

# Components asked for: known, and found when required.
foreach(_ctnn_component IN LISTS ctnn_FIND_COMPONENTS)
    if(NOT _ctnn_component MATCHES "^(data|io)$")
        set(ctnn_${_ctnn_component}_FOUND FALSE)
        if(ctnn_FIND_REQUIRED_${_ctnn_component})
            set(_ctnn_failed TRUE)
            string(APPEND ctnn_NOT_FOUND_MESSAGE
                   "ctnn has no component '${_ctnn_component}' (components: data, io). ")
        endif()
    elseif(ctnn_FIND_REQUIRED_${_ctnn_component} AND NOT ctnn_${_ctnn_component}_FOUND)
        set(_ctnn_failed TRUE)
        string(APPEND ctnn_NOT_FOUND_MESSAGE
               "required component ctnn::${_ctnn_component} is unavailable: ${_ctnn_${_ctnn_component}_reason}. ")
    endif()
endforeach()

if(_ctnn_failed)
    set(ctnn_FOUND FALSE)
elseif(_ctnn_missing AND NOT ctnn_FIND_QUIETLY)
    foreach(_ctnn_line IN LISTS _ctnn_missing)
        message(STATUS "ctnn: not available: ${_ctnn_line}; ctnn::ctnn is unaffected")
    endforeach()
endif()

unset(_ctnn_missing)
unset(_ctnn_failed)
unset(_ctnn_line)
unset(_ctnn_component)
unset(_ctnn_data_reason)
unset(_ctnn_io_reason)
