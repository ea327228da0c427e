# Install rules: headers, the exported targets, a package config and an
# architecture-independent version file, so that after `cmake --install <build>`
#   find_package(ctnn 0.1 CONFIG REQUIRED [COMPONENTS data io])
#   target_link_libraries(app PRIVATE ctnn::ctnn [ctnn::data] [ctnn::io])
# works (docs/api.md, "Consuming ctnn").
#
# One export set per target, so that ctnnConfig.cmake can load ctnn::data /
# ctnn::io only when their dependency (zlib / libpng) is found on the
# consumer's machine, and say so otherwise, instead of failing on a
# ZLIB::ZLIB / PNG::PNG the consumer does not have.
include(CMakePackageConfigHelpers)

set(ctnn_install_cmakedir "${CMAKE_INSTALL_DATADIR}/ctnn/cmake"
    CACHE STRING "Where ctnn's CMake package files are installed (relative to the prefix)")
mark_as_advanced(ctnn_install_cmakedir)

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT ctnn_Development)

# <export set> <target>: ctnnTargets ctnn, ctnnDataTargets ctnn_data, ctnnIoTargets ctnn_io
foreach(pair "ctnnTargets;ctnn" "ctnnDataTargets;ctnn_data" "ctnnIoTargets;ctnn_io")
    list(GET pair 0 export_set)
    list(GET pair 1 target)
    if(NOT TARGET ${target})
        continue()   # its dependency was not found (cmake/ctnn_dependencies.cmake)
    endif()
    install(TARGETS ${target} EXPORT ${export_set}
            INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
    install(EXPORT ${export_set}
            NAMESPACE ctnn::
            DESTINATION "${ctnn_install_cmakedir}"
            COMPONENT ctnn_Development)
endforeach()

write_basic_package_version_file(
    "${PROJECT_BINARY_DIR}/ctnnConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion
    ARCH_INDEPENDENT)

install(FILES "${PROJECT_SOURCE_DIR}/cmake/install-config.cmake"
        DESTINATION "${ctnn_install_cmakedir}"
        RENAME ctnnConfig.cmake
        COMPONENT ctnn_Development)
install(FILES "${PROJECT_BINARY_DIR}/ctnnConfigVersion.cmake"
        DESTINATION "${ctnn_install_cmakedir}"
        COMPONENT ctnn_Development)
