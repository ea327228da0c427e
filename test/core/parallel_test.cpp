// ctnn::set_num_threads / num_threads (core/parallel.hpp): the setter and getter, the size of the
// OpenMP teams that follow, the per-thread setting, and OMP_NUM_THREADS until the first set.
#define BOOST_TEST_MODULE core_parallel
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "ctnn/core/parallel.hpp"

namespace {

// What num_threads() said before any test called set_num_threads.
const int threads_at_startup = ctnn::num_threads();

// The number of threads in a parallel region entered now (counted by the
// threads themselves), or 1 without OpenMP.
int team_size() {
    int members = 0;
#ifdef _OPENMP
#pragma omp parallel
    {
#pragma omp atomic
        ++members;
    }
#else
    members = 1;
#endif
    return members;
}

// Restores the thread count a test found.
struct KeepThreadCount {
    int before = ctnn::num_threads();
    ~KeepThreadCount() { ctnn::set_num_threads(before); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(parallel)

#ifdef _OPENMP

BOOST_AUTO_TEST_CASE(num_threads_reports_what_set_num_threads_set) {
    KeepThreadCount keep;
    for (int n : {1, 2, 3, 5, 1}) {
        ctnn::set_num_threads(n);
        BOOST_TEST(ctnn::num_threads() == n);
    }
}

BOOST_AUTO_TEST_CASE(counts_below_one_mean_one) {
    KeepThreadCount keep;
    ctnn::set_num_threads(4);
    ctnn::set_num_threads(0);
    BOOST_TEST(ctnn::num_threads() == 1);
    ctnn::set_num_threads(4);
    ctnn::set_num_threads(-3);
    BOOST_TEST(ctnn::num_threads() == 1);
}

BOOST_AUTO_TEST_CASE(parallel_regions_use_that_many_threads) {
    // The contract: num_threads() reports what parallel regions will use.
    // (OMP_DYNAMIC=true would let the runtime give fewer; it is off by default.)
    BOOST_TEST_REQUIRE(!omp_get_dynamic());
    KeepThreadCount keep;
    for (int n : {1, 2, 3, 4}) {
        ctnn::set_num_threads(n);
        BOOST_TEST_CONTEXT("n = " << n) {
            BOOST_TEST(team_size() == n);
            BOOST_TEST(team_size() == ctnn::num_threads());
        }
    }
}

BOOST_AUTO_TEST_CASE(the_setting_belongs_to_the_calling_thread) {
    // docs/api.md (Sequential): a program calling predict from threads of its
    // own can make each call serial with ctnn::set_num_threads(1) in those
    // threads. So the setting must not leak into other threads.
    KeepThreadCount keep;
    ctnn::set_num_threads(3);
    int inside = 0, inside_team = 0;
    std::thread worker([&] {
        ctnn::set_num_threads(1);
        inside = ctnn::num_threads();
        inside_team = team_size();
    });
    worker.join();
    BOOST_TEST(inside == 1);
    BOOST_TEST(inside_team == 1);
    BOOST_TEST(ctnn::num_threads() == 3);
    BOOST_TEST(team_size() == 3);
}

// The thread count follows OMP_NUM_THREADS until set_num_threads is called.
// The OpenMP runtime reads the variable when it starts, so the check runs in
// a child process (this executable, this test case only) started with
// OMP_NUM_THREADS=3 and again with 5; in that child, or whenever the variable
// is set, it compares the count seen before any test ran.
BOOST_AUTO_TEST_CASE(follows_omp_num_threads_until_set) {
    if (const char* env = std::getenv("OMP_NUM_THREADS")) {
        const std::string s = env;
        BOOST_TEST_REQUIRE((!s.empty() && s.find_first_not_of("0123456789") == std::string::npos));  // a plain count
        BOOST_TEST(threads_at_startup == std::atoi(env));
        return;
    }
    const std::string self = boost::unit_test::framework::master_test_suite().argv[0];
    BOOST_TEST_REQUIRE(self.find('\'') == std::string::npos);
    for (const char* n : {"3", "5"}) {
        const std::string cmd = std::string("OMP_NUM_THREADS=") + n + " '" + self +
                                "' --run_test=parallel/follows_omp_num_threads_until_set"
                                " --log_level=nothing --report_level=no";
        BOOST_TEST_CONTEXT(cmd) { BOOST_TEST(std::system(cmd.c_str()) == 0); }
    }
}

#else

BOOST_AUTO_TEST_CASE(without_openmp_everything_is_serial) {
    BOOST_TEST(threads_at_startup == 1);
    ctnn::set_num_threads(4);
    BOOST_TEST(ctnn::num_threads() == 1);
    BOOST_TEST(team_size() == 1);
}

#endif

BOOST_AUTO_TEST_SUITE_END()
