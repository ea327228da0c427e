# Installed as ctnnConfig.cmake: finds ctnn's dependencies, then its target.
include(CMakeFindDependencyMacro)
find_dependency(OpenMP COMPONENTS CXX)
find_dependency(Boost 1.74)
find_dependency(ZLIB)
find_dependency(PNG)
include("${CMAKE_CURRENT_LIST_DIR}/ctnnTargets.cmake")
