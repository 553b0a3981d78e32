// SPDX-License-Identifier: Apache-2.0
#include "core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/result.h"

namespace fgm {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeMessageAndContext) {
  Status s = InvalidFormatError("line 3: expected 'key value'").WithContext("cpu.stat");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidFormat);
  EXPECT_EQ(s.ToString(), "InvalidFormat: cpu.stat: line 3: expected 'key value'");
  EXPECT_TRUE(OkStatus().WithContext("x").ok());
}

TEST(StatusTest, ErrnoErrorMapsVanishedToNotFound) {
  EXPECT_EQ(ErrnoError("open x", ENOENT).code(), StatusCode::kNotFound);
  EXPECT_EQ(ErrnoError("open x", ENODEV).code(), StatusCode::kNotFound);
  EXPECT_EQ(ErrnoError("write x", ENOSPC).code(), StatusCode::kIo);
}

Result<int> Half(int x) {
  if (x % 2) return InvalidArgumentError("odd");
  return x / 2;
}

TEST(ResultTest, ValueAndError) {
  Result<int> ok = Half(4);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 2);
  EXPECT_EQ(ok.value_or(7), 2);
  Result<int> bad = Half(3);
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "odd");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(ResultDeathTest, ValueOnErrorAborts) {
  Result<int> bad = InternalError("boom");
  EXPECT_DEATH((void)bad.value(), "boom");
}

int g_calls = 0;
Result<int> Counted(int v) {
  ++g_calls;
  if (v < 0) return InvalidArgumentError("negative");
  return v;
}
Status CountedStatus(bool fail) {
  ++g_calls;
  return fail ? IoError("x") : OkStatus();
}

Result<int> UseAssign(int v) {
  FGM_ASSIGN_OR_RETURN(int x, Counted(v));
  FGM_ASSIGN_OR_RETURN(x, Counted(x + 1));  // assigning to an existing variable works too
  return x * 10;
}

Status UseReturnIfError(bool fail) {
  FGM_RETURN_IF_ERROR(CountedStatus(fail));
  FGM_RETURN_IF_ERROR(Counted(fail ? -1 : 1));
  return OkStatus();
}

TEST(MacroTest, AssignOrReturnEvaluatesExpressionOnce) {
  g_calls = 0;
  Result<int> r = UseAssign(2);
  EXPECT_EQ(*r, 30);
  EXPECT_EQ(g_calls, 2);
  g_calls = 0;
  Result<int> e = UseAssign(-5);
  EXPECT_FALSE(e);
  EXPECT_EQ(e.error().message(), "negative");
  EXPECT_EQ(g_calls, 1);
}

TEST(MacroTest, ReturnIfErrorEvaluatesExpressionOnce) {
  g_calls = 0;
  EXPECT_TRUE(UseReturnIfError(false).ok());
  EXPECT_EQ(g_calls, 2);
  g_calls = 0;
  Status s = UseReturnIfError(true);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_EQ(g_calls, 1);
}

TEST(CheckDeathTest, CheckAbortsWithMessage) {
  int x = 3;
  EXPECT_DEATH(FGM_CHECK(x == 4) << "x is " << x, "check failed: x == 4 x is 3");
  FGM_CHECK(x == 3) << "never printed";
}

}  // namespace
}  // namespace fgm
