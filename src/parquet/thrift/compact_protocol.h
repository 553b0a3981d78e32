// SPDX-License-Identifier: Apache-2.0
// A hand-written Thrift compact protocol (thrift/doc/specs/thrift-compact-protocol.md): the
// encoding of every Parquet footer, page header and page index. CompactWriter appends to a string;
// CompactReader walks untrusted bytes with bounds, varint-length, nesting-depth and list-size
// checks, and can Skip() a value of any type so that fields added by newer writers are ignored.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/status.h"

namespace fgm::parquet::thrift {

/// Wire type ids of the compact protocol. In a field header kBoolTrue/kBoolFalse carry the value of
/// a bool field; in a list/set/map header either one means "bool elements".
enum class CType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,  // binary and string
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,  // structs and unions
  kUuid = 13,    // 16 raw bytes
};

/// The element type we write in headers of bool lists. The spec says 2, but Apache Thrift's C++,
/// Java and Rust libraries (which wrote nearly every Parquet file in existence) write 1; every
/// reader we know accepts both, and CompactReader does too.
inline constexpr CType kBoolElementType = CType::kBoolTrue;

/// Deepest nesting of structs/lists/maps accepted or produced. Parquet's deepest real path is
/// FileMetaData > RowGroup > ColumnChunk > ColumnMetaData > Statistics (5 levels, plus the lists in
/// between); 64 leaves generous room for unknown nested extensions while keeping a hostile
/// "depth bomb" from overflowing the stack in the recursive Skip().
inline constexpr int kMaxDepth = 64;

/// One decoded field header. For bool fields the value is the type itself.
struct FieldHeader {
  CType type = CType::kStop;
  int16_t id = 0;

  bool is_stop() const { return type == CType::kStop; }
  bool is_bool() const { return type == CType::kBoolTrue || type == CType::kBoolFalse; }
  bool bool_value() const { return type == CType::kBoolTrue; }
};

/// Appends compact-protocol bytes to a caller-owned string (which must outlive the writer). The
/// caller drives the structure: BeginStruct/EndStruct around every struct (the top-level one
/// included), a field header before every field value, a list header before list elements.
/// Misuse (unbalanced structs, nesting deeper than kMaxDepth) is a programming error and aborts.
/// Not thread-safe.
///
///   CompactWriter w(&out);
///   w.BeginStruct();
///   w.FieldI32(1, 2);                           // version
///   w.FieldListBegin(2, CType::kStruct, n);     // schema
///   for (...) { w.BeginStruct(); ...; w.EndStruct(); }
///   w.EndStruct();
class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  /// Starts a struct: field ids of the new struct are delta-encoded from 0.
  void BeginStruct();
  /// Writes the stop byte and returns to the enclosing struct's field-id sequence.
  void EndStruct();

  /// Field header (short form when the id is 1..15 above the previous id, long form otherwise).
  /// Not for bool fields: use FieldBool, whose value lives in the header.
  void FieldHeader(int16_t id, CType type);

  void FieldBool(int16_t id, bool value);
  void FieldI8(int16_t id, int8_t value) {
    FieldHeader(id, CType::kI8);
    WriteI8(value);
  }
  void FieldI16(int16_t id, int16_t value) {
    FieldHeader(id, CType::kI16);
    WriteI16(value);
  }
  void FieldI32(int16_t id, int32_t value) {
    FieldHeader(id, CType::kI32);
    WriteI32(value);
  }
  void FieldI64(int16_t id, int64_t value) {
    FieldHeader(id, CType::kI64);
    WriteI64(value);
  }
  void FieldDouble(int16_t id, double value) {
    FieldHeader(id, CType::kDouble);
    WriteDouble(value);
  }
  void FieldBinary(int16_t id, std::string_view value) {
    FieldHeader(id, CType::kBinary);
    WriteBinary(value);
  }
  /// Field header of a struct field followed by BeginStruct(); close it with EndStruct().
  void FieldStructBegin(int16_t id) {
    FieldHeader(id, CType::kStruct);
    BeginStruct();
  }
  /// Field header of a list field followed by the list header; then write `size` elements.
  void FieldListBegin(int16_t id, CType element_type, size_t size) {
    FieldHeader(id, CType::kList);
    ListHeader(element_type, size);
  }

  /// List (or set) header: one byte for 0..14 elements, else 0xF? plus a varint size.
  /// REQUIRES: size <= INT32_MAX.
  void ListHeader(CType element_type, size_t size);

  // Bare values: list elements, or the value after a FieldHeader.
  /// A bool list element: 1 for true, 2 for false (see kBoolElementType for why not 0).
  void WriteBool(bool value) { out_->push_back(value ? '\x01' : '\x02'); }
  void WriteI8(int8_t value) { out_->push_back(static_cast<char>(value)); }
  void WriteI16(int16_t value) { WriteI32(value); }
  void WriteI32(int32_t value);
  void WriteI64(int64_t value);
  void WriteDouble(double value);  // 8 bytes little-endian
  void WriteBinary(std::string_view value);
  /// Unsigned LEB128.
  void WriteVarint(uint64_t value);

  /// Current struct nesting depth (0 when balanced).
  int depth() const { return depth_; }

 private:
  std::string* out_;
  int16_t last_field_id_ = 0;
  int depth_ = 0;
  // Saved last_field_id_ of each enclosing struct; a fixed array because writes never nest deeply.
  std::array<int16_t, kMaxDepth> saved_field_ids_{};
};

/// Reads compact-protocol values from a byte range it does not own (which must outlive the reader).
/// Every read is bounds-checked; a malformed or truncated input yields kCorrupt with the byte
/// offset, never a crash, an over-read, or an allocation larger than the input. After an error the
/// reader's position is unspecified; callers stop at the first error. Not thread-safe.
///
///   CompactReader r(bytes);
///   FGM_RETURN_IF_ERROR(r.ReadStructBegin());
///   for (;;) {
///     FieldHeader f;
///     FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
///     if (f.is_stop()) break;
///     if (f.id == 1 && f.type == CType::kI32) { FGM_RETURN_IF_ERROR(r.ReadI32(&x)); continue; }
///     FGM_RETURN_IF_ERROR(r.Skip(f));   // unknown field, or a known id with an unexpected type
///   }
///   FGM_RETURN_IF_ERROR(r.ReadStructEnd());
class CompactReader {
 public:
  explicit CompactReader(std::string_view data) : data_(data) {}

  /// Enters a struct. kCorrupt when this would exceed kMaxDepth.
  Status ReadStructBegin();
  /// Leaves the struct entered by the matching ReadStructBegin (call it after reading the stop).
  Status ReadStructEnd();
  /// Next field header of the current struct; type kStop at its end. kCorrupt for an invalid type
  /// nibble or a field id outside int16.
  Status ReadFieldHeader(FieldHeader* field) {
    // Inline fast path for the common short form (delta 1..15, valid type); the rest, including
    // every error, goes through DecodeFieldHeader.
    if (pos_ < data_.size()) {
      const auto byte = static_cast<uint8_t>(data_[pos_]);
      const uint8_t type = byte & 0x0F;
      const int id = last_field_id_ + (byte >> 4);
      if ((byte >> 4) != 0 && type != 0 && type <= static_cast<uint8_t>(CType::kUuid) &&
          id <= std::numeric_limits<int16_t>::max()) {
        ++pos_;
        field->type = static_cast<CType>(type);
        field->id = static_cast<int16_t>(id);
        last_field_id_ = field->id;
        return OkStatus();
      }
    }
    return DecodeFieldHeader(&last_field_id_, field);
  }

  /// List/set header. *size is at most remaining(), since every element takes at least one byte;
  /// a larger claim is kCorrupt. kCorrupt also for an element type that is not a value type.
  Status ReadListHeader(CType* element_type, uint32_t* size);
  /// Map header; *size is 0 for an empty map (then the types are kStop). Every entry takes at least
  /// two bytes, so *size is at most remaining() / 2.
  Status ReadMapHeader(CType* key_type, CType* value_type, uint32_t* size);

  /// A bool list element: 1 is true, 0 (the spec) or 2 (Apache Thrift libraries) false.
  Status ReadBool(bool* value);
  Status ReadI8(int8_t* value);
  Status ReadI16(int16_t* value);
  Status ReadI32(int32_t* value) {
    uint32_t u = 0;
    Status s = ReadVarint32(&u);
    *value = static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));  // un-zigzag
    return s;
  }
  Status ReadI64(int64_t* value) {
    uint64_t u = 0;
    Status s = ReadVarint64(&u);
    *value = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));  // un-zigzag
    return s;
  }
  Status ReadDouble(double* value);
  /// A view into the input (valid as long as the input); no copy.
  Status ReadBinary(std::string_view* value);
  /// Copies the bytes into *value, reusing its capacity.
  Status ReadString(std::string* value);
  /// Unsigned LEB128 of at most 10 bytes whose value fits in 64 bits.
  Status ReadVarint64(uint64_t* value) {
    // Inline fast path: ids, enum values, small counts and lengths are single-byte varints.
    if (pos_ < data_.size() && static_cast<uint8_t>(data_[pos_]) < 0x80) {
      *value = static_cast<uint8_t>(data_[pos_++]);
      return OkStatus();
    }
    return ReadVarint64Slow(value);
  }
  /// Unsigned LEB128 whose value fits in 32 bits.
  Status ReadVarint32(uint32_t* value) {
    if (pos_ < data_.size() && static_cast<uint8_t>(data_[pos_]) < 0x80) {
      *value = static_cast<uint8_t>(data_[pos_++]);
      return OkStatus();
    }
    return ReadVarint32Slow(value);
  }

  /// Skips the value of `field`, whatever its type: nested structs, lists, sets and maps are walked
  /// (honouring kMaxDepth); a bool field's value is in its header, so nothing is consumed.
  Status Skip(const FieldHeader& field);
  /// Skips one list/set/map element of `type` (a bool element is one byte).
  Status SkipElement(CType type);

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

  /// kCorrupt "thrift: <what> at byte <position>".
  Status Corrupt(std::string_view what) const;

 private:
  // Skips a value at nesting `depth` (the depth of the container holding it).
  Status SkipValue(CType type, int depth);
  Status SkipStruct(int depth);
  Status ReadVarint64Slow(uint64_t* value);
  Status ReadVarint32Slow(uint32_t* value);
  // Decodes a field header whose short-form delta is relative to *last_id, and updates *last_id.
  Status DecodeFieldHeader(int16_t* last_id, FieldHeader* field);

  std::string_view data_;
  size_t pos_ = 0;
  int16_t last_field_id_ = 0;
  int depth_ = 0;
  std::array<int16_t, kMaxDepth> saved_field_ids_{};
};

}  // namespace fgm::parquet::thrift
