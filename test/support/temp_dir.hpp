#pragma once
// ctnn_test::TempDir — a fresh, uniquely named directory under the system's
// temporary directory (mkdtemp), removed with everything in it when the object
// goes out of scope. Include after <boost/test/unit_test.hpp>.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <system_error>

#include <stdlib.h>  // mkdtemp

namespace ctnn_test {

class TempDir {
public:
    TempDir() : path(create()) {}
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path path;

private:
    static std::filesystem::path create() {
        std::string name = (std::filesystem::temp_directory_path() / "ctnn-test-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(name.data()) != nullptr, "mkdtemp " << name);
        return name;
    }
};

}  // namespace ctnn_test
