// SPDX-License-Identifier: Apache-2.0
// Result<T>: a value or an error Status. Shaped as a subset of std::expected<T, Status> (has_value,
// operator bool, value, error, *, ->, value_or) so that a move to C++23 is a `using` change.
//
//   Result<int> ParsePort(std::string_view s);
//   FGM_ASSIGN_OR_RETURN(int port, ParsePort(flag));   // returns the error to our caller
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "core/check.h"
#include "core/status.h"

namespace fgm {

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Status>, "Result<Status> makes no sense");

 public:
  /// An error result. REQUIRES: !status.ok().
  Result(Status status) : status_(std::move(status)) {  // NOLINT(implicit)
    FGM_CHECK(!status_.ok()) << "Result constructed from an OK Status without a value";
  }
  Result(const T& value) : value_(value) {}  // NOLINT(implicit)
  Result(T&& value) : value_(std::move(value)) {}  // NOLINT(implicit)
  template <typename U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Status> &&
             !std::is_same_v<std::decay_t<U>, Result<T>> && !std::is_same_v<std::decay_t<U>, T>)
  Result(U&& value) : value_(std::forward<U>(value)) {}  // NOLINT(implicit)

  bool has_value() const { return value_.has_value(); }
  explicit operator bool() const { return has_value(); }
  bool ok() const { return has_value(); }

  /// The error; OK when has_value().
  const Status& error() const { return status_; }
  const Status& status() const { return status_; }

  T& value() & {
    FGM_CHECK(has_value()) << "Result::value() on error: " << status_.ToString();
    return *value_;
  }
  const T& value() const& {
    FGM_CHECK(has_value()) << "Result::value() on error: " << status_.ToString();
    return *value_;
  }
  T&& value() && {
    FGM_CHECK(has_value()) << "Result::value() on error: " << status_.ToString();
    return std::move(*value_);
  }
  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace internal {
inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const Result<T>& r) {
  return r.error();
}
}  // namespace internal

}  // namespace fgm

#define FGM_INTERNAL_CONCAT_(a, b) a##b
#define FGM_INTERNAL_CONCAT(a, b) FGM_INTERNAL_CONCAT_(a, b)

/// Evaluates `expr` (a Status or Result) once; returns its error from the enclosing function.
#define FGM_RETURN_IF_ERROR(expr)                                                \
  do {                                                                           \
    const auto& fgm_status_or_result_ = (expr);                                  \
    if (!::fgm::internal::GetStatus(fgm_status_or_result_).ok()) {               \
      return ::fgm::internal::GetStatus(fgm_status_or_result_);                  \
    }                                                                            \
  } while (0)

#define FGM_INTERNAL_ASSIGN_OR_RETURN(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.has_value()) return tmp.error();           \
  lhs = std::move(tmp).value()

/// `FGM_ASSIGN_OR_RETURN(auto x, ComputeX());` evaluates the Result expression once; on error
/// returns it, otherwise moves the value into `lhs` (a declaration or an existing variable).
#define FGM_ASSIGN_OR_RETURN(lhs, expr) \
  FGM_INTERNAL_ASSIGN_OR_RETURN(FGM_INTERNAL_CONCAT(fgm_result_, __COUNTER__), lhs, expr)
