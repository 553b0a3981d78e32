// SPDX-License-Identifier: Apache-2.0
#include "engine/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace fgm::engine {
namespace {

TEST(JsonWriterTest, WritesNestedValuesWithCommas) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.Int(-2);
  w.Null();
  w.EndArray();
  w.Key("b\"q");
  w.String("x\n\x01y");
  w.Key("c");
  w.BeginObject();
  w.EndObject();
  w.Key("d");
  w.Bool(false);
  w.EndObject();
  EXPECT_EQ(w.str(), "{\"a\":[1,-2,null],\"b\\\"q\":\"x\\n\\u0001y\",\"c\":{},\"d\":false}");
}

TEST(JsonWriterTest, NumbersAreExactForIntegersAndSevenDigitsOtherwise) {
  EXPECT_EQ(FormatJsonNumber(0), "0");
  EXPECT_EQ(FormatJsonNumber(1795600800000.0), "1795600800000");
  EXPECT_EQ(FormatJsonNumber(-42), "-42");
  EXPECT_EQ(FormatJsonNumber(0.5), "0.5");
  EXPECT_EQ(FormatJsonNumber(-0.25), "-0.25");
  EXPECT_EQ(FormatJsonNumber(1234.5678), "1234.568");
  EXPECT_EQ(FormatJsonNumber(1.0 / 3), "0.3333333");
  EXPECT_EQ(FormatJsonNumber(0.000015258789), "0.000015259");
  EXPECT_EQ(FormatJsonNumber(9.99999999), "10");
  EXPECT_EQ(FormatJsonNumber(123456789.25), "123456789");
  EXPECT_EQ(FormatJsonNumber(1e300), "1e+300");
  EXPECT_EQ(FormatJsonNumber(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(FormatJsonNumber(std::numeric_limits<double>::infinity()), "null");
}

}  // namespace
}  // namespace fgm::engine
