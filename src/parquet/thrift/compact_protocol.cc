// SPDX-License-Identifier: Apache-2.0
// Compact protocol encoding and bounds-checked decoding; see compact_protocol.h and
// thrift/doc/specs/thrift-compact-protocol.md for the wire format.
#include "parquet/thrift/compact_protocol.h"

#include <cstring>
#include <limits>
#include <string>

#include "core/check.h"

namespace fgm::parquet::thrift {
namespace {

// A 64-bit value needs ceil(64 / 7) = 10 LEB128 bytes; anything longer is malformed.
constexpr int kMaxVarintBytes = 10;
// Largest valid wire type id (kUuid); 14 and 15 are unassigned.
constexpr uint8_t kMaxTypeId = static_cast<uint8_t>(CType::kUuid);
// Fixed-size encodings.
constexpr size_t kDoubleBytes = 8;
constexpr size_t kUuidBytes = 16;

bool IsValueType(uint8_t type) { return type >= 1 && type <= kMaxTypeId; }

uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

}  // namespace

void CompactWriter::BeginStruct() {
  FGM_CHECK(depth_ < kMaxDepth) << "thrift structs nested deeper than " << kMaxDepth;
  saved_field_ids_[depth_++] = last_field_id_;
  last_field_id_ = 0;
}

void CompactWriter::EndStruct() {
  FGM_CHECK(depth_ > 0) << "EndStruct without BeginStruct";
  out_->push_back('\0');
  last_field_id_ = saved_field_ids_[--depth_];
}

void CompactWriter::FieldHeader(int16_t id, CType type) {
  FGM_DCHECK(type != CType::kStop && type != CType::kBoolTrue && type != CType::kBoolFalse);
  const auto type_bits = static_cast<uint8_t>(type);
  const int delta = static_cast<int>(id) - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | type_bits));
  } else {
    out_->push_back(static_cast<char>(type_bits));
    WriteI16(id);
  }
  last_field_id_ = id;
}

void CompactWriter::FieldBool(int16_t id, bool value) {
  const auto type_bits = static_cast<uint8_t>(value ? CType::kBoolTrue : CType::kBoolFalse);
  const int delta = static_cast<int>(id) - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | type_bits));
  } else {
    out_->push_back(static_cast<char>(type_bits));
    WriteI16(id);
  }
  last_field_id_ = id;
}

void CompactWriter::ListHeader(CType element_type, size_t size) {
  FGM_CHECK(size <= static_cast<size_t>(std::numeric_limits<int32_t>::max()))
      << "thrift list of " << size << " elements";
  const auto type_bits = static_cast<uint8_t>(element_type);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | type_bits));
  } else {
    out_->push_back(static_cast<char>(0xF0 | type_bits));
    WriteVarint(size);
  }
}

void CompactWriter::WriteI32(int32_t value) { WriteVarint(ZigZag32(value)); }

void CompactWriter::WriteI64(int64_t value) { WriteVarint(ZigZag64(value)); }

void CompactWriter::WriteDouble(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  char bytes[kDoubleBytes];
  for (size_t i = 0; i < kDoubleBytes; ++i) bytes[i] = static_cast<char>(bits >> (8 * i));
  out_->append(bytes, kDoubleBytes);
}

void CompactWriter::WriteBinary(std::string_view value) {
  FGM_CHECK(value.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max()))
      << "thrift binary of " << value.size() << " bytes";
  WriteVarint(value.size());
  out_->append(value);
}

void CompactWriter::WriteVarint(uint64_t value) {
  char bytes[kMaxVarintBytes];
  int n = 0;
  while (value >= 0x80) {
    bytes[n++] = static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  bytes[n++] = static_cast<char>(value);
  out_->append(bytes, n);
}

Status CompactReader::Corrupt(std::string_view what) const {
  std::string message = "thrift: ";
  message += what;
  message += " at byte ";
  message += std::to_string(pos_);
  return CorruptError(std::move(message));
}

Status CompactReader::ReadStructBegin() {
  if (depth_ >= kMaxDepth) return Corrupt("structs nested deeper than 64");
  saved_field_ids_[depth_++] = last_field_id_;
  last_field_id_ = 0;
  return OkStatus();
}

Status CompactReader::ReadStructEnd() {
  if (depth_ == 0) return InternalError("thrift: ReadStructEnd without ReadStructBegin");
  last_field_id_ = saved_field_ids_[--depth_];
  return OkStatus();
}

Status CompactReader::DecodeFieldHeader(int16_t* last_id, FieldHeader* field) {
  if (pos_ >= data_.size()) return Corrupt("truncated struct (no stop field)");
  const auto byte = static_cast<uint8_t>(data_[pos_++]);
  const uint8_t type = byte & 0x0F;
  if (type == 0) {
    if (byte != 0) return Corrupt("stop field with a non-zero id delta");
    field->type = CType::kStop;
    field->id = 0;
    return OkStatus();
  }
  if (!IsValueType(type)) return Corrupt("invalid field type " + std::to_string(type));
  const int delta = byte >> 4;
  if (delta != 0) {
    const int id = *last_id + delta;
    if (id > std::numeric_limits<int16_t>::max()) return Corrupt("field id overflows int16");
    field->id = static_cast<int16_t>(id);
  } else {
    Status s = ReadI16(&field->id);
    if (!s.ok()) return s;
  }
  field->type = static_cast<CType>(type);
  *last_id = field->id;
  return OkStatus();
}

Status CompactReader::ReadListHeader(CType* element_type, uint32_t* size) {
  if (pos_ >= data_.size()) return Corrupt("truncated list header");
  const auto byte = static_cast<uint8_t>(data_[pos_++]);
  const uint8_t type = byte & 0x0F;
  if (!IsValueType(type)) return Corrupt("invalid list element type " + std::to_string(type));
  uint32_t n = byte >> 4;
  if (n == 15) {
    Status s = ReadVarint32(&n);
    if (!s.ok()) return s;
  }
  // Every element occupies at least one byte, so a count beyond the remaining input is a lie;
  // rejecting it here keeps callers from reserving memory for elements that cannot exist.
  if (n > remaining()) {
    return Corrupt("list of " + std::to_string(n) + " elements in " + std::to_string(remaining()) +
                   " remaining bytes");
  }
  *element_type = static_cast<CType>(type);
  *size = n;
  return OkStatus();
}

Status CompactReader::ReadMapHeader(CType* key_type, CType* value_type, uint32_t* size) {
  uint32_t n = 0;
  Status s = ReadVarint32(&n);
  if (!s.ok()) return s;
  if (n == 0) {
    *key_type = CType::kStop;
    *value_type = CType::kStop;
    *size = 0;
    return OkStatus();
  }
  if (pos_ >= data_.size()) return Corrupt("truncated map header");
  const auto byte = static_cast<uint8_t>(data_[pos_++]);
  const uint8_t key = byte >> 4;
  const uint8_t value = byte & 0x0F;
  if (!IsValueType(key) || !IsValueType(value)) return Corrupt("invalid map element type");
  // Each entry is a key and a value of at least one byte each.
  if (n > remaining() / 2) {
    return Corrupt("map of " + std::to_string(n) + " entries in " + std::to_string(remaining()) +
                   " remaining bytes");
  }
  *key_type = static_cast<CType>(key);
  *value_type = static_cast<CType>(value);
  *size = n;
  return OkStatus();
}

Status CompactReader::ReadBool(bool* value) {
  if (pos_ >= data_.size()) return Corrupt("truncated bool");
  const auto byte = static_cast<uint8_t>(data_[pos_]);
  if (byte > 2) return Corrupt("invalid bool element " + std::to_string(byte));
  ++pos_;
  *value = byte == 1;
  return OkStatus();
}

Status CompactReader::ReadI8(int8_t* value) {
  if (pos_ >= data_.size()) return Corrupt("truncated i8");
  *value = static_cast<int8_t>(data_[pos_++]);
  return OkStatus();
}

Status CompactReader::ReadI16(int16_t* value) {
  int32_t v = 0;
  Status s = ReadI32(&v);
  if (!s.ok()) return s;
  if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()) {
    return Corrupt("i16 out of range");
  }
  *value = static_cast<int16_t>(v);
  return OkStatus();
}

Status CompactReader::ReadDouble(double* value) {
  if (remaining() < kDoubleBytes) return Corrupt("truncated double");
  uint64_t bits = 0;
  for (size_t i = 0; i < kDoubleBytes; ++i) {
    bits |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  }
  pos_ += kDoubleBytes;
  std::memcpy(value, &bits, sizeof(bits));
  return OkStatus();
}

Status CompactReader::ReadBinary(std::string_view* value) {
  uint32_t length = 0;
  Status s = ReadVarint32(&length);
  if (!s.ok()) return s;
  if (length > remaining()) {
    return Corrupt("binary of " + std::to_string(length) + " bytes in " +
                   std::to_string(remaining()) + " remaining bytes");
  }
  *value = data_.substr(pos_, length);
  pos_ += length;
  return OkStatus();
}

Status CompactReader::ReadString(std::string* value) {
  std::string_view view;
  Status s = ReadBinary(&view);
  if (!s.ok()) return s;
  value->assign(view.data(), view.size());
  return OkStatus();
}

Status CompactReader::ReadVarint64Slow(uint64_t* value) {
  uint64_t result = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (pos_ >= data_.size()) return Corrupt("truncated varint");
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    // The 10th byte holds bit 63 only; any higher payload bit would be silently dropped.
    if (i == kMaxVarintBytes - 1 && (byte & 0x7E) != 0) return Corrupt("varint overflows 64 bits");
    result |= static_cast<uint64_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) {
      *value = result;
      return OkStatus();
    }
  }
  return Corrupt("varint longer than 10 bytes");
}

Status CompactReader::ReadVarint32Slow(uint32_t* value) {
  uint64_t v = 0;
  Status s = ReadVarint64Slow(&v);
  if (!s.ok()) return s;
  if (v > std::numeric_limits<uint32_t>::max()) return Corrupt("varint overflows 32 bits");
  *value = static_cast<uint32_t>(v);
  return OkStatus();
}

Status CompactReader::Skip(const FieldHeader& field) {
  if (field.is_bool()) return OkStatus();  // the value was the header
  return SkipValue(field.type, depth_);
}

Status CompactReader::SkipElement(CType type) { return SkipValue(type, depth_); }

Status CompactReader::SkipStruct(int depth) {
  int16_t last_id = 0;
  for (;;) {
    FieldHeader field;
    Status s = DecodeFieldHeader(&last_id, &field);
    if (!s.ok()) return s;
    if (field.is_stop()) return OkStatus();
    if (field.is_bool()) continue;
    s = SkipValue(field.type, depth);
    if (!s.ok()) return s;
  }
}

// `depth` counts the containers around the value; a container value adds one more level. Every
// iteration below consumes at least one byte, so skipping is linear in the input size.
Status CompactReader::SkipValue(CType type, int depth) {
  switch (type) {
    case CType::kBoolTrue:
    case CType::kBoolFalse: {
      bool ignored;
      return ReadBool(&ignored);
    }
    case CType::kI8:
      if (pos_ >= data_.size()) return Corrupt("truncated i8");
      ++pos_;
      return OkStatus();
    case CType::kI16:
    case CType::kI32:
    case CType::kI64: {
      uint64_t ignored;
      return ReadVarint64(&ignored);
    }
    case CType::kDouble:
      if (remaining() < kDoubleBytes) return Corrupt("truncated double");
      pos_ += kDoubleBytes;
      return OkStatus();
    case CType::kUuid:
      if (remaining() < kUuidBytes) return Corrupt("truncated uuid");
      pos_ += kUuidBytes;
      return OkStatus();
    case CType::kBinary: {
      std::string_view ignored;
      return ReadBinary(&ignored);
    }
    case CType::kStruct:
      if (depth >= kMaxDepth) return Corrupt("values nested deeper than 64");
      return SkipStruct(depth + 1);
    case CType::kList:
    case CType::kSet: {
      if (depth >= kMaxDepth) return Corrupt("values nested deeper than 64");
      CType element_type;
      uint32_t size = 0;
      Status s = ReadListHeader(&element_type, &size);
      for (uint32_t i = 0; s.ok() && i < size; ++i) s = SkipValue(element_type, depth + 1);
      return s;
    }
    case CType::kMap: {
      if (depth >= kMaxDepth) return Corrupt("values nested deeper than 64");
      CType key_type;
      CType value_type;
      uint32_t size = 0;
      Status s = ReadMapHeader(&key_type, &value_type, &size);
      for (uint32_t i = 0; s.ok() && i < size; ++i) {
        s = SkipValue(key_type, depth + 1);
        if (s.ok()) s = SkipValue(value_type, depth + 1);
      }
      return s;
    }
    case CType::kStop:
      break;
  }
  return Corrupt("cannot skip a value of type " + std::to_string(static_cast<int>(type)));
}

}  // namespace fgm::parquet::thrift
