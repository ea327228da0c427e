# Finds what the ctnn INTERFACE target needs.
#
# Required always: a C++20 compiler, OpenMP, Boost >= 1.74 (Hana, header-only):
# what ctnn::ctnn needs. zlib (ctnn::data: gzip / IDX / MNIST loaders, the
# umbrella header) and libpng (ctnn::io: PNG files, weight files) are required
# when ctnn is the top-level project; a consumer that lacks them still gets
# ctnn::ctnn, without ctnn::data / ctnn::io, and a message saying so.
# On Debian, scripts/deps installs everything.

find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Boost 1.74 REQUIRED)

if(PROJECT_IS_TOP_LEVEL)
    find_package(ZLIB)
    find_package(PNG)
    if(NOT ZLIB_FOUND OR NOT PNG_FOUND)
        message(FATAL_ERROR
            "ctnn: zlib and libpng are required to build ctnn's own tests and examples "
            "(zlib found: ${ZLIB_FOUND}, libpng found: ${PNG_FOUND}). "
            "On Debian run scripts/deps (as root), or install zlib1g-dev and libpng-dev.")
    endif()
else()
    find_package(ZLIB QUIET)
    find_package(PNG QUIET)
    if(NOT ZLIB_FOUND)
        message(STATUS "ctnn: zlib not found: ctnn::data and ctnn::io are not defined "
                       "(MNIST / IDX loaders, <ctnn/ctnn.hpp>, PNG and weight files); "
                       "ctnn::ctnn is unaffected. Install zlib1g-dev to get them.")
    elseif(NOT PNG_FOUND)
        message(STATUS "ctnn: libpng not found: ctnn::io is not defined "
                       "(PNG files, image grids, weight files); ctnn::ctnn and ctnn::data are unaffected. "
                       "Install libpng-dev to get it.")
    endif()
endif()
