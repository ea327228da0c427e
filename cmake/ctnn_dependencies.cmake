# Finds what the ctnn INTERFACE target needs.
#
# Required always: a C++20 compiler, OpenMP, Boost >= 1.74 (Hana, header-only).
# zlib (gzip-compressed IDX files) and libpng (PNG writing) are required when
# ctnn is the top-level project; a consumer that lacks them still gets the
# target, without CTNN_HAS_ZLIB / CTNN_HAS_PNG, and a message saying so.
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
        message(STATUS "ctnn: zlib not found; reading .gz IDX files is unavailable (CTNN_HAS_ZLIB undefined)")
    endif()
    if(NOT PNG_FOUND)
        message(STATUS "ctnn: libpng not found; PNG output is unavailable (CTNN_HAS_PNG undefined)")
    endif()
endif()
