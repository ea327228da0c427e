#define BOOST_TEST_MODULE progbar
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <regex>
#include <sstream>
#include <string>

#include "ctnn/train/progbar.hpp"

// ctnn::Progbar against keras.utils.Progbar (tf.keras 2.x generic_utils.py),
// every expected string worked out by hand from Keras' arithmetic:
//   numdigits  = int(log10(target)) + 1; head = "%{numdigits}d/%d ["
//   prog_width = int(30 * current / target)
//   bar        = '=' * (prog_width - 1) + ('>' if current < target else '=')   [only if prog_width > 0]
//                + '.' * (30 - prog_width) + ']'
//   metrics    " - name: %.4f" when abs(v) > 1e-3, else "%.4e"
//   times      _format_time: " %.0fs/unit" if t >= 1 or t == 0, " %.0fms/unit" if t >= 1e-3, else " %.0fus/unit"
//   ETA        "%d:%02d:%02d" if eta > 3600, "%d:%02d" if eta > 60, else "%ds" (Python %d truncates)

using ctnn::Progbar;

BOOST_AUTO_TEST_SUITE(progbar)

BOOST_AUTO_TEST_CASE(bar_follows_keras_arithmetic) {
    // 469 steps (MNIST, batch 128): numdigits = int(2.67) + 1 = 3.
    // current 0: prog_width 0 -> no '=' and no '>', 30 dots.
    BOOST_TEST(Progbar::bar(0, 469) == "  0/469 [..............................]");
    // current 7: 30 * 7 / 469 = 0.45 -> 0: still no '>'.
    BOOST_TEST(Progbar::bar(7, 469) == "  7/469 [..............................]");
    // current 16: 30 * 16 / 469 = 1.02 -> 1: '=' * 0 + '>' + '.' * 29.
    BOOST_TEST(Progbar::bar(16, 469) == " 16/469 [>.............................]");
    // current 235: 15.03 -> 15: '=' * 14 + '>' + '.' * 15.
    BOOST_TEST(Progbar::bar(235, 469) == "235/469 [==============>...............]");
    // current 468: 29.94 -> 29: '=' * 28 + '>' + '.' * 1.
    BOOST_TEST(Progbar::bar(468, 469) == "468/469 [============================>.]");
    // done: prog_width 30, '=' * 29 + '='.
    BOOST_TEST(Progbar::bar(469, 469) == "469/469 [==============================]");

    // target 1: numdigits = int(0) + 1 = 1.
    BOOST_TEST(Progbar::bar(0, 1) == "0/1 [..............................]");
    BOOST_TEST(Progbar::bar(1, 1) == "1/1 [==============================]");
    // target 10: log10(10) = 1 -> 2 digits; 30 * 5 / 10 = 15.
    BOOST_TEST(Progbar::bar(5, 10) == " 5/10 [==============>...............]");
    // target 100: 3 digits; 30 * 99 / 100 = 29.7 -> 29.
    BOOST_TEST(Progbar::bar(99, 100) == " 99/100 [============================>.]");
    // target 1000: 4 digits; 30 * 1 / 1000 = 0.03 -> 0; 30 * 34 / 1000 = 1.02 -> 1.
    BOOST_TEST(Progbar::bar(1, 1000) == "   1/1000 [..............................]");
    BOOST_TEST(Progbar::bar(34, 1000) == "  34/1000 [>.............................]");
    // target 3: 30 * 1 / 3 = 10, 30 * 2 / 3 = 20.
    BOOST_TEST(Progbar::bar(1, 3) == "1/3 [=========>....................]");
    BOOST_TEST(Progbar::bar(2, 3) == "2/3 [===================>..........]");
}

BOOST_AUTO_TEST_CASE(bar_is_always_as_wide_as_keras) {
    // "%Nd/%d [" + 30 + "]": N + 1 + N + 2 + 30 + 1 characters.
    for (std::size_t target : {1u, 9u, 10u, 99u, 469u, 1000u, 60000u})
        for (std::size_t current = 0; current <= target; current += (target / 7 + 1)) {
            const std::string b = Progbar::bar(current, target);
            const std::string t = std::to_string(target);
            BOOST_TEST(b.size() == 2 * t.size() + 34, b);
            BOOST_TEST(b.substr(t.size() + 1, t.size()) == t);
        }
}

BOOST_AUTO_TEST_CASE(format_value_switches_to_exponent_at_1e_3) {
    BOOST_TEST(Progbar::format_value(0.4213) == "0.4213");
    BOOST_TEST(Progbar::format_value(0.87124) == "0.8712");
    BOOST_TEST(Progbar::format_value(2.302585) == "2.3026");
    BOOST_TEST(Progbar::format_value(12.5) == "12.5000");
    BOOST_TEST(Progbar::format_value(0.00123) == "0.0012");
    // abs(v) > 1e-3 is false at exactly 1e-3: "%.4e".
    BOOST_TEST(Progbar::format_value(0.001) == "1.0000e-03");
    BOOST_TEST(Progbar::format_value(0.0005) == "5.0000e-04");
    BOOST_TEST(Progbar::format_value(0.0) == "0.0000e+00");
    BOOST_TEST(Progbar::format_value(-0.5) == "-0.5000");
}

BOOST_AUTO_TEST_CASE(format_step_time_uses_s_ms_us) {
    BOOST_TEST(Progbar::format_step_time(2.0) == "2s/step");
    BOOST_TEST(Progbar::format_step_time(1.0) == "1s/step");
    BOOST_TEST(Progbar::format_step_time(0.0) == "0s/step");  // t == 0 prints seconds
    BOOST_TEST(Progbar::format_step_time(0.004) == "4ms/step");
    BOOST_TEST(Progbar::format_step_time(0.001) == "1ms/step");
    BOOST_TEST(Progbar::format_step_time(0.9996) == "1000ms/step");  // %.0f of 999.6
    BOOST_TEST(Progbar::format_step_time(0.0009) == "900us/step");
    BOOST_TEST(Progbar::format_step_time(0.000123) == "123us/step");
    BOOST_TEST(Progbar::format_step_time(4e-7) == "0us/step");
}

BOOST_AUTO_TEST_CASE(format_eta_truncates_like_python_percent_d) {
    BOOST_TEST(Progbar::format_eta(0.0) == "0s");
    BOOST_TEST(Progbar::format_eta(59.0) == "59s");
    BOOST_TEST(Progbar::format_eta(60.0) == "60s");  // not > 60
    BOOST_TEST(Progbar::format_eta(61.0) == "1:01");
    BOOST_TEST(Progbar::format_eta(3600.0) == "60:00");  // not > 3600
    BOOST_TEST(Progbar::format_eta(3661.0) == "1:01:01");
    // Keras formats the float ETA with %d, which truncates: '%ds' % 5.7 == '5s',
    // '%d:%02d' % (60.5 // 60, 60.5 % 60) == '1:00'.
    BOOST_TEST(Progbar::format_eta(5.7) == "5s");
    BOOST_TEST(Progbar::format_eta(59.6) == "59s");
    BOOST_TEST(Progbar::format_eta(60.5) == "1:00");
    BOOST_TEST(Progbar::format_eta(3599.9) == "59:59");
}

BOOST_AUTO_TEST_CASE(verbose_1_not_a_terminal_prints_the_finished_line_once) {
    std::ostringstream oss;
    Progbar bar(3, 1, oss, false);
    bar.update(1, {{"loss", 0.9}});
    bar.update(2, {{"loss", 0.7}});
    BOOST_TEST(oss.str().empty());
    bar.update(3, {{"loss", 0.5}, {"accuracy", 0.00025}});
    const std::regex line(
        R"(^3/3 \[==============================\] - \d+s \d+(ms|us|s)/step - loss: 0\.5000 - accuracy: 2\.5000e-04\n$)");
    BOOST_TEST(std::regex_match(oss.str(), line), oss.str());
}

BOOST_AUTO_TEST_CASE(verbose_1_terminal_redraws_in_place) {
    std::ostringstream oss;
    Progbar bar(12, 1, oss, true);
    bar.update(12, {{"loss", 0.25}});
    const std::regex line(R"(^\r12/12 \[==============================\] - \d+s \d+(ms|us|s)/step - loss: 0\.2500\n$)");
    BOOST_TEST(std::regex_match(oss.str(), line), oss.str());
}

BOOST_AUTO_TEST_CASE(verbose_2_prints_keras_epoch_line) {
    std::ostringstream oss;
    Progbar bar(469, 2, oss, false);
    for (std::size_t s = 1; s < 469; ++s) bar.update(s, {{"loss", 1.0}});
    BOOST_TEST(oss.str().empty());
    bar.update(469, {{"loss", 0.4213}, {"accuracy", 0.8712}});
    const std::regex line(
        R"(^469/469 - \d+s - loss: 0\.4213 - accuracy: 0\.8712 - \d+(ms|us|s)/epoch - \d+(ms|us|s)/step\n$)");
    BOOST_TEST(std::regex_match(oss.str(), line), oss.str());
}

// Keras formats the epoch time and the step time with the same _format_time;
// with one step per epoch the step time IS the epoch time, so the two fields
// must read the same ("37us/epoch - 37us/step", never "0s/epoch - 37us/step").
BOOST_AUTO_TEST_CASE(verbose_2_epoch_time_uses_keras_format_time) {
    std::ostringstream oss;
    Progbar bar(1, 2, oss, false);
    bar.update(1, {{"loss", 0.5}});
    const std::regex line(R"(^1/1 - \d+s - loss: 0\.5000 - (\d+(?:ms|us|s))/epoch - (\d+(?:ms|us|s))/step\n$)");
    std::smatch m;
    const std::string text = oss.str();
    BOOST_TEST_REQUIRE(std::regex_match(text, m, line), text);
    BOOST_TEST(m[1].str() == m[2].str(), text);
}

BOOST_AUTO_TEST_CASE(verbose_0_prints_nothing) {
    std::ostringstream oss;
    Progbar bar(2, 0, oss, false);
    bar.update(1, {{"loss", 1.0}});
    bar.update(2, {{"loss", 1.0}});
    BOOST_TEST(oss.str().empty());
}

BOOST_AUTO_TEST_CASE(verbose_1_step_time_and_eta_leave_out_the_first_step) {
    // Keras' _estimate_step_duration: once step 1 is reported, the time per
    // step is (now - time after step 1) / (current - 1). Here step 1 takes
    // 10 s (set-up) and each later step 1 s: "1s/step", not 12 s / 3 = 4 s.
    using namespace std::chrono_literals;
    const Progbar::Clock::time_point t0{};
    std::ostringstream oss;
    Progbar bar(5, 1, oss, true, t0);
    bar.update(1, {{"loss", 1.0}}, t0 + 10s);
    bar.update(3, {{"loss", 1.0}}, t0 + 12s);
    // ETA after step 3: 2 steps left at 1 s each (the old estimate: 2 x 4 s = 8 s).
    BOOST_TEST(oss.str().find("\r3/5 [=================>............] - ETA: 2s - loss: 1.0000") != std::string::npos, oss.str());
    bar.update(5, {{"loss", 0.5}}, t0 + 14s);
    BOOST_TEST(oss.str().ends_with("5/5 [==============================] - 14s 1s/step - loss: 0.5000\n"), oss.str());
}

BOOST_AUTO_TEST_CASE(verbose_2_step_time_divides_the_whole_epoch) {
    // Keras' verbose 2 estimates only when the epoch ends, without a time after step 1.
    using namespace std::chrono_literals;
    const Progbar::Clock::time_point t0{};
    std::ostringstream oss;
    Progbar bar(4, 2, oss, false, t0);
    bar.update(1, {{"loss", 1.0}}, t0 + 10s);
    bar.update(4, {{"loss", 0.5}}, t0 + 12s);
    BOOST_TEST(oss.str() == "4/4 - 12s - loss: 0.5000 - 12s/epoch - 3s/step\n");
}

BOOST_AUTO_TEST_SUITE_END()
