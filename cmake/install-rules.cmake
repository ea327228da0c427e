# Install rules: headers, the exported ctnn::ctnn target, a package config and
# an architecture-independent version file, so that
#   find_package(ctnn 0.1 REQUIRED)  +  target_link_libraries(app PRIVATE ctnn::ctnn)
# works after `cmake --install <build dir>`.
include(CMakePackageConfigHelpers)

set(ctnn_install_cmakedir "${CMAKE_INSTALL_DATADIR}/ctnn/cmake"
    CACHE STRING "Where ctnn's CMake package files are installed (relative to the prefix)")
mark_as_advanced(ctnn_install_cmakedir)

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT ctnn_Development)

install(TARGETS ctnn EXPORT ctnnTargets
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

install(EXPORT ctnnTargets
        NAMESPACE ctnn::
        DESTINATION "${ctnn_install_cmakedir}"
        COMPONENT ctnn_Development)

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
