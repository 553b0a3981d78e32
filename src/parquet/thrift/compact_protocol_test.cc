// SPDX-License-Identifier: Apache-2.0
// Tests of the compact protocol: byte vectors computed by hand from thrift-compact-protocol.md,
// writer/reader round trips, skipping of every type, and rejection of malformed input (overlong
// varints, bad lengths, invalid types, nesting bombs, truncation).
#include "parquet/thrift/compact_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace fgm::parquet::thrift {
namespace {

using ::testing::HasSubstr;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string Varint(uint64_t v) {
  std::string out;
  CompactWriter(&out).WriteVarint(v);
  return out;
}

TEST(CompactWriterTest, VarintMatchesSpecExample) {
  // thrift-compact-protocol.md: 50399 = 0xDF 0x89 0x03.
  EXPECT_EQ(Varint(50399), Bytes({0xDF, 0x89, 0x03}));
  EXPECT_EQ(Varint(0), Bytes({0x00}));
  EXPECT_EQ(Varint(127), Bytes({0x7F}));
  EXPECT_EQ(Varint(128), Bytes({0x80, 0x01}));
  EXPECT_EQ(Varint(std::numeric_limits<uint64_t>::max()),
            Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
}

TEST(CompactWriterTest, ZigZagIntegers) {
  auto i32 = [](int32_t v) {
    std::string out;
    CompactWriter(&out).WriteI32(v);
    return out;
  };
  auto i64 = [](int64_t v) {
    std::string out;
    CompactWriter(&out).WriteI64(v);
    return out;
  };
  // 0, -1, 1, -2, 2 -> 0, 1, 2, 3, 4 (spec).
  EXPECT_EQ(i32(0), Bytes({0x00}));
  EXPECT_EQ(i32(-1), Bytes({0x01}));
  EXPECT_EQ(i32(1), Bytes({0x02}));
  EXPECT_EQ(i32(-2), Bytes({0x03}));
  EXPECT_EQ(i32(2), Bytes({0x04}));
  EXPECT_EQ(i32(-64), Bytes({0x7F}));
  EXPECT_EQ(i32(64), Bytes({0x80, 0x01}));
  EXPECT_EQ(i32(std::numeric_limits<int32_t>::max()), Bytes({0xFE, 0xFF, 0xFF, 0xFF, 0x0F}));
  EXPECT_EQ(i32(std::numeric_limits<int32_t>::min()), Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}));
  EXPECT_EQ(i64(std::numeric_limits<int64_t>::min()),
            Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
  EXPECT_EQ(i64(std::numeric_limits<int64_t>::max()),
            Bytes({0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
}

TEST(CompactWriterTest, FieldHeadersShortAndLongForm) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 5);       // delta 1: 0x15, zigzag 10
  w.FieldI32(3, 1);       // delta 2: 0x25
  w.FieldI32(20, 0);      // delta 17 > 15: long form 0x05 + zigzag(20) = 40
  w.FieldI64(2, -1);      // id goes down: long form 0x06 + zigzag(2) = 4
  w.FieldBool(3, true);   // delta 1, true: 0x11
  w.FieldBool(4, false);  // delta 1, false: 0x12
  w.FieldBinary(5, "abc");
  w.FieldI8(6, -2);
  w.FieldI16(7, 300);  // zigzag 600 = 0xD8 0x04
  w.FieldDouble(8, 1.0);
  w.EndStruct();
  EXPECT_EQ(w.depth(), 0);
  EXPECT_EQ(out, Bytes({0x15, 0x0A, 0x25, 0x02, 0x05, 0x28, 0x00, 0x06, 0x04, 0x01, 0x11,
                        0x12, 0x18, 0x03, 'a',  'b',  'c',  0x13, 0xFE, 0x14, 0xD8, 0x04,
                        0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x00}));
}

TEST(CompactWriterTest, NestedStructRestoresFieldIdDelta) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldStructBegin(1);  // 0x1C
  w.FieldI32(1, 1);       // inner ids start at 0 again: 0x15 0x02
  w.EndStruct();          // 0x00
  w.FieldI32(2, 1);       // outer delta from 1: 0x15 0x02
  w.EndStruct();
  EXPECT_EQ(out, Bytes({0x1C, 0x15, 0x02, 0x00, 0x15, 0x02, 0x00}));
}

TEST(CompactWriterTest, ListHeaders) {
  std::string out;
  CompactWriter w(&out);
  w.ListHeader(CType::kI32, 3);
  EXPECT_EQ(out, Bytes({0x35}));
  out.clear();
  w.ListHeader(CType::kStruct, 14);
  EXPECT_EQ(out, Bytes({0xEC}));
  out.clear();
  w.ListHeader(CType::kBinary, 15);
  EXPECT_EQ(out, Bytes({0xF8, 0x0F}));
  out.clear();
  w.ListHeader(CType::kI64, 300);
  EXPECT_EQ(out, Bytes({0xF6, 0xAC, 0x02}));
  out.clear();
  w.ListHeader(kBoolElementType, 2);
  w.WriteBool(true);
  w.WriteBool(false);
  EXPECT_EQ(out, Bytes({0x21, 0x01, 0x02}));
}

TEST(CompactWriterDeathTest, UnbalancedStructAborts) {
  std::string out;
  CompactWriter w(&out);
  EXPECT_DEATH(w.EndStruct(), "EndStruct without BeginStruct");
}

TEST(CompactReaderTest, ReadsHandEncodedStruct) {
  const std::string bytes = Bytes({0x15, 0x0A, 0x25, 0x02, 0x05, 0x28, 0x00, 0x06, 0x04, 0x01, 0x11,
                                   0x12, 0x18, 0x03, 'a',  'b',  'c',  0x13, 0xFE, 0x14, 0xD8, 0x04,
                                   0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x00});
  CompactReader r(bytes);
  ASSERT_TRUE(r.ReadStructBegin().ok());
  FieldHeader f;
  int32_t i32 = 0;
  int64_t i64 = 0;

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 1);
  EXPECT_EQ(f.type, CType::kI32);
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 5);

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 3);
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 1);

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 20);
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 0);

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 2);
  EXPECT_EQ(f.type, CType::kI64);
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, -1);

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 3);
  EXPECT_TRUE(f.is_bool());
  EXPECT_TRUE(f.bool_value());

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 4);
  EXPECT_TRUE(f.is_bool());
  EXPECT_FALSE(f.bool_value());

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 5);
  std::string s;
  ASSERT_TRUE(r.ReadString(&s).ok());
  EXPECT_EQ(s, "abc");

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  int8_t i8 = 0;
  ASSERT_TRUE(r.ReadI8(&i8).ok());
  EXPECT_EQ(i8, -2);

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  int16_t i16 = 0;
  ASSERT_TRUE(r.ReadI16(&i16).ok());
  EXPECT_EQ(i16, 300);

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 8);
  double d = 0;
  ASSERT_TRUE(r.ReadDouble(&d).ok());
  EXPECT_EQ(d, 1.0);

  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_TRUE(f.is_stop());
  ASSERT_TRUE(r.ReadStructEnd().ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, RoundTripsExtremeValues) {
  const std::vector<int64_t> values = {0,
                                       1,
                                       -1,
                                       63,
                                       -64,
                                       64,
                                       std::numeric_limits<int32_t>::max(),
                                       std::numeric_limits<int32_t>::min(),
                                       std::numeric_limits<int64_t>::max(),
                                       std::numeric_limits<int64_t>::min()};
  std::string out;
  CompactWriter w(&out);
  for (int64_t v : values) w.WriteI64(v);
  for (int64_t v : values) {
    if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
      w.WriteI32(static_cast<int32_t>(v));
    }
  }
  w.WriteDouble(-0.0);
  w.WriteDouble(std::numeric_limits<double>::infinity());
  w.WriteBinary(std::string(200, 'x'));
  w.WriteBinary("");

  CompactReader r(out);
  for (int64_t v : values) {
    int64_t got = 0;
    ASSERT_TRUE(r.ReadI64(&got).ok());
    EXPECT_EQ(got, v);
  }
  for (int64_t v : values) {
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
      continue;
    int32_t got = 0;
    ASSERT_TRUE(r.ReadI32(&got).ok());
    EXPECT_EQ(got, v);
  }
  double d = 0;
  ASSERT_TRUE(r.ReadDouble(&d).ok());
  EXPECT_TRUE(d == 0.0 && std::signbit(d));
  ASSERT_TRUE(r.ReadDouble(&d).ok());
  EXPECT_EQ(d, std::numeric_limits<double>::infinity());
  std::string_view view;
  ASSERT_TRUE(r.ReadBinary(&view).ok());
  EXPECT_EQ(view, std::string(200, 'x'));
  ASSERT_TRUE(r.ReadBinary(&view).ok());
  EXPECT_EQ(view, "");
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, ListHeadersShortAndLong) {
  std::string out;
  CompactWriter w(&out);
  w.ListHeader(CType::kI32, 0);
  w.ListHeader(CType::kI32, 14);
  for (int i = 0; i < 14; ++i) w.WriteI32(i);
  w.ListHeader(CType::kI64, 20);
  for (int i = 0; i < 20; ++i) w.WriteI64(-i);

  CompactReader r(out);
  CType type;
  uint32_t size = 99;
  ASSERT_TRUE(r.ReadListHeader(&type, &size).ok());
  EXPECT_EQ(size, 0u);
  ASSERT_TRUE(r.ReadListHeader(&type, &size).ok());
  EXPECT_EQ(type, CType::kI32);
  EXPECT_EQ(size, 14u);
  for (int i = 0; i < 14; ++i) {
    int32_t v = -1;
    ASSERT_TRUE(r.ReadI32(&v).ok());
    EXPECT_EQ(v, i);
  }
  ASSERT_TRUE(r.ReadListHeader(&type, &size).ok());
  EXPECT_EQ(type, CType::kI64);
  EXPECT_EQ(size, 20u);
  for (int i = 0; i < 20; ++i) {
    int64_t v = 1;
    ASSERT_TRUE(r.ReadI64(&v).ok());
    EXPECT_EQ(v, -i);
  }
}

TEST(CompactReaderTest, BoolElementsAcceptSpecAndLibraryEncodings) {
  // Element type 2 (the spec) and 1 (Apache Thrift libraries); false as 0 (spec) or 2 (libraries).
  const std::string bytes = Bytes({0x32, 0x01, 0x00, 0x02, 0x31, 0x02, 0x01, 0x00});
  CompactReader r(bytes);
  CType type;
  uint32_t size = 0;
  bool b = false;
  ASSERT_TRUE(r.ReadListHeader(&type, &size).ok());
  EXPECT_EQ(type, CType::kBoolFalse);
  ASSERT_EQ(size, 3u);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_TRUE(b);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_FALSE(b);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_FALSE(b);
  ASSERT_TRUE(r.ReadListHeader(&type, &size).ok());
  EXPECT_EQ(type, CType::kBoolTrue);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_FALSE(b);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_TRUE(b);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_FALSE(b);

  const std::string bad = Bytes({0x03});
  CompactReader r2(bad);
  Status s = r2.ReadBool(&b);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("invalid bool"));
}

// A struct holding one field of every type, including containers of containers, followed by a
// known i32 field. Reading it with Skip() must land exactly on the known field.
std::string EveryTypeStruct() {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldBool(1, true);
  w.FieldBool(2, false);
  w.FieldI8(3, 7);
  w.FieldI16(4, -300);
  w.FieldI32(5, 123456);
  w.FieldI64(6, -1234567890123);
  w.FieldDouble(7, 3.5);
  w.FieldBinary(8, "binary");
  w.FieldListBegin(9, CType::kList, 2);  // list<list<i32>>
  w.ListHeader(CType::kI32, 2);
  w.WriteI32(1);
  w.WriteI32(2);
  w.ListHeader(CType::kI32, 0);
  w.FieldHeader(10, CType::kSet);  // set<binary>
  w.ListHeader(CType::kBinary, 1);
  w.WriteBinary("s");
  w.FieldHeader(11, CType::kMap);  // map<binary, struct{1: bool, 2: list<bool>}>
  w.WriteVarint(2);
  out.push_back(static_cast<char>(0x8C));
  for (int i = 0; i < 2; ++i) {
    w.WriteBinary("k");
    w.BeginStruct();
    w.FieldBool(1, i == 0);
    w.FieldListBegin(2, kBoolElementType, 3);
    w.WriteBool(true);
    w.WriteBool(false);
    w.WriteBool(true);
    w.EndStruct();
  }
  w.FieldHeader(12, CType::kMap);  // empty map
  w.WriteVarint(0);
  w.FieldStructBegin(13);  // struct { 100: struct { 1: uuid } }
  w.FieldStructBegin(100);
  w.FieldHeader(1, CType::kUuid);
  out.append(16, '\x42');
  w.EndStruct();
  w.EndStruct();
  w.FieldI32(200, 42);  // the field a reader knows
  w.EndStruct();
  return out;
}

TEST(CompactReaderTest, SkipsEveryTypeAndFindsTheKnownField) {
  const std::string bytes = EveryTypeStruct();
  CompactReader r(bytes);
  ASSERT_TRUE(r.ReadStructBegin().ok());
  int32_t known = 0;
  int fields = 0;
  for (;;) {
    FieldHeader f;
    ASSERT_TRUE(r.ReadFieldHeader(&f).ok()) << "field " << fields;
    if (f.is_stop()) break;
    ++fields;
    if (f.id == 200 && f.type == CType::kI32) {
      ASSERT_TRUE(r.ReadI32(&known).ok());
      continue;
    }
    Status s = r.Skip(f);
    ASSERT_TRUE(s.ok()) << "field " << f.id << ": " << s.ToString();
  }
  ASSERT_TRUE(r.ReadStructEnd().ok());
  EXPECT_EQ(fields, 14);
  EXPECT_EQ(known, 42);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, EveryTruncationOfEveryTypeIsCorrupt) {
  const std::string bytes = EveryTypeStruct();
  for (size_t len = 0; len < bytes.size(); ++len) {
    CompactReader r(std::string_view(bytes).substr(0, len));
    Status s = r.ReadStructBegin();
    for (;;) {
      FieldHeader f;
      s = r.ReadFieldHeader(&f);
      if (!s.ok() || f.is_stop()) break;
      s = r.Skip(f);
      if (!s.ok()) break;
    }
    EXPECT_EQ(s.code(), StatusCode::kCorrupt) << "prefix of " << len << " bytes";
  }
}

TEST(CompactReaderTest, VarintLimits) {
  uint64_t v = 0;
  const std::string max = Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  ASSERT_TRUE(CompactReader(max).ReadVarint64(&v).ok());
  EXPECT_EQ(v, std::numeric_limits<uint64_t>::max());

  // The 10th byte may only carry bit 63.
  const std::string overflow = Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02});
  Status s = CompactReader(overflow).ReadVarint64(&v);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("overflows 64 bits"));

  // 11 bytes: continuation bit still set on the 10th.
  const std::string too_long = std::string(10, '\x80') + Bytes({0x00});
  s = CompactReader(too_long).ReadVarint64(&v);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("longer than 10 bytes"));

  s = CompactReader(Bytes({0x80, 0x80})).ReadVarint64(&v);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("truncated varint"));

  // 2^32 does not fit an i32's varint.
  int32_t i32 = 0;
  s = CompactReader(Varint(uint64_t{1} << 32)).ReadI32(&i32);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("overflows 32 bits"));

  // zigzag(40000) is a valid i32 but not an i16.
  int16_t i16 = 0;
  s = CompactReader(Varint(80000)).ReadI16(&i16);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
}

TEST(CompactReaderTest, RejectsLengthsBeyondTheInput) {
  std::string_view view;
  Status s = CompactReader(Bytes({0x05, 'a', 'b'})).ReadBinary(&view);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("binary of 5 bytes in 2 remaining"));

  // A list claiming INT32_MAX elements is rejected from its header, before any element.
  const std::string huge = Bytes({0xF5}) + Varint(0x7FFFFFFF) + Bytes({0x00, 0x00});
  CType type;
  uint32_t size = 0;
  s = CompactReader(huge).ReadListHeader(&type, &size);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("list of 2147483647 elements in 2 remaining bytes"));

  // Maps need two bytes per entry.
  CType key;
  CType value;
  s = CompactReader(Bytes({0x03, 0x55, 0x00, 0x00, 0x00, 0x00})).ReadMapHeader(&key, &value, &size);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  ASSERT_TRUE(CompactReader(Bytes({0x02, 0x55, 0x00, 0x00, 0x00, 0x00}))
                  .ReadMapHeader(&key, &value, &size)
                  .ok());
  EXPECT_EQ(size, 2u);
}

TEST(CompactReaderTest, RejectsInvalidTypes) {
  FieldHeader f;
  for (int type : {14, 15}) {
    const std::string bytes = Bytes({0x10 | type, 0x00});
    CompactReader r(bytes);  // the reader only views its input
    Status s = r.ReadFieldHeader(&f);
    EXPECT_EQ(s.code(), StatusCode::kCorrupt);
    EXPECT_THAT(s.message(), HasSubstr("invalid field type"));
  }
  // A stop byte must be exactly zero.
  EXPECT_EQ(CompactReader(Bytes({0x10})).ReadFieldHeader(&f).code(), StatusCode::kCorrupt);
  // List element types must be value types (0 would make zero-byte elements).
  CType type;
  uint32_t size = 0;
  EXPECT_EQ(CompactReader(Bytes({0x30, 0, 0, 0})).ReadListHeader(&type, &size).code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(CompactReader(Bytes({0x3E, 0, 0, 0})).ReadListHeader(&type, &size).code(),
            StatusCode::kCorrupt);
  // Map key type 0.
  CType key;
  CType value;
  EXPECT_EQ(CompactReader(Bytes({0x01, 0x05, 0, 0})).ReadMapHeader(&key, &value, &size).code(),
            StatusCode::kCorrupt);
}

TEST(CompactReaderTest, FieldIdOverflowIsCorrupt) {
  // Long form id 32767, then a short-form delta of 1.
  std::string bytes = Bytes({0x05}) + Varint(32767u * 2) + Bytes({0x00, 0x15, 0x00});
  CompactReader r(bytes);
  FieldHeader f;
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 32767);
  int32_t v = 0;
  ASSERT_TRUE(r.ReadI32(&v).ok());
  Status s = r.ReadFieldHeader(&f);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("field id overflows"));
}

TEST(CompactReaderTest, NegativeLongFormFieldIdIsSkippable) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(-5, 9);
  w.FieldI32(1, 3);
  w.EndStruct();
  CompactReader r(out);
  ASSERT_TRUE(r.ReadStructBegin().ok());
  FieldHeader f;
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, -5);
  ASSERT_TRUE(r.Skip(f).ok());
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 1);
}

// `levels` struct fields (id 1) nested inside each other, inside one top-level struct. Built by
// hand because CompactWriter itself refuses to nest deeper than kMaxDepth.
std::string NestedStructs(int levels) {
  return std::string(levels, '\x1C') + std::string(levels + 1, '\0');
}

Status SkipTopLevel(std::string_view bytes) {
  CompactReader r(bytes);
  Status s = r.ReadStructBegin();
  FieldHeader f;
  while (s.ok()) {
    s = r.ReadFieldHeader(&f);
    if (!s.ok() || f.is_stop()) break;
    s = r.Skip(f);
  }
  return s;
}

TEST(CompactReaderTest, NestingUpToTheLimitIsAccepted) {
  // The top-level struct plus 63 nested ones is exactly kMaxDepth.
  EXPECT_TRUE(SkipTopLevel(NestedStructs(kMaxDepth - 1)).ok());
  Status s = SkipTopLevel(NestedStructs(kMaxDepth));
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("nested deeper than 64"));
}

TEST(CompactReaderTest, DepthBombsAreRejectedWithoutRecursingDeeply) {
  // One million nested struct headers (0x1C = field 1, type struct): far more than the stack
  // would survive with unbounded recursion.
  std::string structs(1'000'000, '\x1C');
  Status s = SkipTopLevel(structs);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("nested deeper than 64"));

  // Field 1 of type list, whose header (0x19) is "1 element of type list", repeated.
  std::string lists(1'000'000, '\x19');
  s = SkipTopLevel(lists);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("nested deeper than 64"));

  // Maps of maps: size 1, key i8 / value map.
  std::string maps = Bytes({0x1B});
  for (int i = 0; i < 100'000; ++i) maps += Bytes({0x01, 0x3B, 0x00});
  s = SkipTopLevel(maps);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("nested deeper than 64"));

  // ReadStructBegin itself enforces the limit too.
  CompactReader r("");
  for (int i = 0; i < kMaxDepth; ++i) ASSERT_TRUE(r.ReadStructBegin().ok());
  EXPECT_EQ(r.ReadStructBegin().code(), StatusCode::kCorrupt);
}

TEST(CompactReaderTest, StructFieldIdsAreScopedPerStruct) {
  // After a nested struct, the outer struct's deltas continue from the outer id.
  const std::string bytes = Bytes({0x3C, 0x15, 0x02, 0x00, 0x15, 0x04, 0x00});
  CompactReader r(bytes);
  ASSERT_TRUE(r.ReadStructBegin().ok());
  FieldHeader f;
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 3);
  ASSERT_TRUE(r.ReadStructBegin().ok());
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 1);
  int32_t v = 0;
  ASSERT_TRUE(r.ReadI32(&v).ok());
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_TRUE(f.is_stop());
  ASSERT_TRUE(r.ReadStructEnd().ok());
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 4);
  ASSERT_TRUE(r.ReadI32(&v).ok());
  EXPECT_EQ(v, 2);
}

}  // namespace
}  // namespace fgm::parquet::thrift
