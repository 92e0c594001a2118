// The latent tests compile against GoogleTest when it is there, and against the tiny harness
// below otherwise (a latent-only build on a GPU machine may lack GoogleTest). Tests use only
// this subset: TEST, EXPECT_/ASSERT_ TRUE, FALSE, EQ, NE, LT, LE, GT, GE, NEAR, THROW,
// GTEST_SKIP, ADD_FAILURE, each with an optional streamed message.
#pragma once

#ifndef CARTO_MINI_TEST
#include <gtest/gtest.h>
#else

#include <cmath>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace mini {

struct State {
  bool failed = false, skipped = false;
};
inline State& state() {
  static State s;
  return s;
}
inline std::vector<std::pair<std::string, void (*)()>>& registry() {
  static std::vector<std::pair<std::string, void (*)()>> r;
  return r;
}
inline int add(const char* name, void (*fn)()) {
  registry().emplace_back(name, fn);
  return 0;
}

// Reports when the full expression that made it ends, after the streamed message.
class Report {
 public:
  Report(const char* file, int line, std::string what, bool skip = false)
      : file_(file), line_(line), skip_(skip) {
    os_ << what;
  }
  ~Report() {
    if (skip_) {
      state().skipped = true;
      std::cout << "  skipped: " << os_.str() << "\n";
    } else {
      state().failed = true;
      std::cout << file_ << ":" << line_ << ": Failure\n  " << os_.str() << "\n";
    }
  }
  template <typename T>
  Report& operator<<(const T& v) {
    os_ << " " << v;
    return *this;
  }

 private:
  const char* file_;
  int line_;
  bool skip_;
  std::ostringstream os_;
};
struct Voidify {
  void operator&(Report&) {}
  void operator&(Report&&) {}
};

// Values as text: streamable ones directly, ranges element by element.
template <typename T>
void print(std::ostream& os, const T& v) {
  if constexpr (requires { os << v; }) {
    os << v;
  } else if constexpr (requires { v.begin(); v.end(); }) {
    os << "{";
    bool first = true;
    for (const auto& e : v) {
      os << (first ? "" : ", ");
      print(os, e);
      first = false;
    }
    os << "}";
  } else {
    os << "<value>";
  }
}

template <typename A, typename B, typename Op>
std::pair<bool, std::string> compare(const A& a, const B& b, Op op, const char* ta, const char* tb, const char* sym) {
  if (op(a, b)) return {true, {}};
  std::ostringstream os;
  os << "expected " << ta << " " << sym << " " << tb << ", got ";
  print(os, a);
  os << " vs ";
  print(os, b);
  return {false, os.str()};
}

inline int run_all(int argc, char** argv) {
  const std::string filter = argc > 1 ? argv[1] : "";
  int failed = 0, passed = 0, skipped = 0;
  for (auto& [name, fn] : registry()) {
    if (!filter.empty() && name.find(filter) == std::string::npos) continue;
    state() = State{};
    std::cout << "[ RUN      ] " << name << std::endl;
    try {
      fn();
    } catch (const std::exception& e) {
      state().failed = true;
      std::cout << "  uncaught exception: " << e.what() << "\n";
    }
    if (state().failed) ++failed;
    else if (state().skipped) ++skipped;
    else ++passed;
    std::cout << (state().failed ? "[  FAILED  ] " : state().skipped ? "[  SKIPPED ] " : "[       OK ] ") << name << std::endl;
  }
  std::cout << passed << " passed, " << skipped << " skipped, " << failed << " failed\n";
  return failed ? 1 : 0;
}

}  // namespace mini

#define TEST(suite, name)                                                              \
  static void suite##_##name##_body();                                                 \
  [[maybe_unused]] static int suite##_##name##_registered = ::mini::add(#suite "." #name, &suite##_##name##_body); \
  static void suite##_##name##_body()

#define MINI_EXPECT_(ok, what) \
  if (ok) {                    \
  } else                       \
    ::mini::Report(__FILE__, __LINE__, what)
#define MINI_ASSERT_(ok, what) \
  if (ok) {                    \
  } else                       \
    return ::mini::Voidify() & ::mini::Report(__FILE__, __LINE__, what)

#define EXPECT_TRUE(c) MINI_EXPECT_(static_cast<bool>(c), "expected true: " #c)
#define EXPECT_FALSE(c) MINI_EXPECT_(!static_cast<bool>(c), "expected false: " #c)
#define ASSERT_TRUE(c) MINI_ASSERT_(static_cast<bool>(c), "expected true: " #c)
#define ASSERT_FALSE(c) MINI_ASSERT_(!static_cast<bool>(c), "expected false: " #c)

#define MINI_CMP_(kind, a, b, op, sym)                                                              \
  if (auto mini_r = ::mini::compare((a), (b), [](const auto& x, const auto& y) { return x op y; }, \
                                    #a, #b, sym);                                                   \
      mini_r.first) {                                                                               \
  } else                                                                                            \
    kind ::mini::Report(__FILE__, __LINE__, mini_r.second)
#define MINI_RET_ return ::mini::Voidify() &
#define EXPECT_EQ(a, b) MINI_CMP_(, a, b, ==, "==")
#define EXPECT_NE(a, b) MINI_CMP_(, a, b, !=, "!=")
#define EXPECT_LT(a, b) MINI_CMP_(, a, b, <, "<")
#define EXPECT_LE(a, b) MINI_CMP_(, a, b, <=, "<=")
#define EXPECT_GT(a, b) MINI_CMP_(, a, b, >, ">")
#define EXPECT_GE(a, b) MINI_CMP_(, a, b, >=, ">=")
#define ASSERT_EQ(a, b) MINI_CMP_(MINI_RET_, a, b, ==, "==")
#define ASSERT_NE(a, b) MINI_CMP_(MINI_RET_, a, b, !=, "!=")
#define ASSERT_LT(a, b) MINI_CMP_(MINI_RET_, a, b, <, "<")
#define ASSERT_LE(a, b) MINI_CMP_(MINI_RET_, a, b, <=, "<=")
#define ASSERT_GT(a, b) MINI_CMP_(MINI_RET_, a, b, >, ">")
#define ASSERT_GE(a, b) MINI_CMP_(MINI_RET_, a, b, >=, ">=")
#define EXPECT_NEAR(a, b, tol)                                                                 \
  MINI_EXPECT_(std::fabs(static_cast<double>(a) - static_cast<double>(b)) <= (tol),            \
               std::string("expected |" #a " - " #b "| <= " #tol ", got ") +                   \
                   std::to_string(static_cast<double>(a)) + " vs " + std::to_string(static_cast<double>(b)))
#define MINI_THROW_(kind, stmt, type)                                             \
  if (std::string mini_t = [&]() -> std::string {                                 \
        try {                                                                     \
          stmt;                                                                   \
        } catch (const type&) {                                                   \
          return {};                                                              \
        } catch (...) {                                                           \
          return "threw another exception type than " #type ": " #stmt;           \
        }                                                                         \
        return "did not throw " #type ": " #stmt;                                 \
      }();                                                                        \
      mini_t.empty()) {                                                           \
  } else                                                                          \
    kind ::mini::Report(__FILE__, __LINE__, mini_t)
#define EXPECT_THROW(stmt, type) MINI_THROW_(, stmt, type)
#define ASSERT_THROW(stmt, type) MINI_THROW_(MINI_RET_, stmt, type)
#define GTEST_SKIP() return ::mini::Voidify() & ::mini::Report(__FILE__, __LINE__, "", true)
#define ADD_FAILURE() ::mini::Report(__FILE__, __LINE__, "failure")

#endif  // CARTO_MINI_TEST
