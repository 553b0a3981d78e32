// SPDX-License-Identifier: Apache-2.0
#include "store/journal.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "parquet/compression.h"

namespace fgm::store {
namespace {

using parquet::PhysicalType;

constexpr char kMagic[4] = {'F', 'G', 'M', 'J'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 8;
constexpr size_t kRecordHeaderBytes = 12;  // payload length, CRC-32, decompressed length
// A record holds at most a few seconds of rows; anything claiming more is corruption, and the
// cap keeps a garbage length from turning into a huge allocation.
constexpr uint32_t kMaxRecordBytes = 256u << 20;
constexpr size_t kMaxDecodedRecordBytes = 1u << 30;
// ZSTD level 1: the journal is short-lived; speed matters more than size here.
constexpr int kJournalZstdLevel = 1;
constexpr size_t kPresenceBytes = (kNumColumns + 7) / 8;

void PutU32(uint32_t v, std::string* out) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}
uint32_t GetU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
// LEB128, at most 10 bytes for 64 bits; returns the byte after the last one written.
char* PutVarintAt(uint64_t v, char* p) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
void PutVarint(uint64_t v, std::string* out) {
  char bytes[10];
  out->append(bytes, static_cast<size_t>(PutVarintAt(v, bytes) - bytes));
}
bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in->empty()) return false;
    uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = result;
      return true;
    }
  }
  return false;
}
uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

uint32_t Crc32(std::string_view data) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

// The BYTE_ARRAY columns, for EncodeRows' size bound.
const std::vector<int>& StringColumns() {
  static const std::vector<int> columns = [] {
    std::vector<int> out;
    for (int c = 0; c < kNumColumns; ++c) {
      if (kCatalog[c].type == PhysicalType::kByteArray) out.push_back(c);
    }
    return out;
  }();
  return columns;
}

}  // namespace

void EncodeRows(const RowBuffer& rows, size_t begin, size_t end, std::string* out) {
  PutVarint(end - begin, out);
  // Straight from the buffer's columns into a pre-sized string: copying each row out first
  // (GetRow) and appending value by value were 8% of the monitor's sampling thread at 1,000
  // containers. Bound per row: the presence bits plus, per column, a 10-byte varint or an 8-byte
  // double; strings add their length (counted when present).
  constexpr size_t kMaxVarintBytes = 10;  // PutVarintAt's longest
  for (size_t i = begin; i < end; ++i) {
    size_t string_bytes = 0;
    for (int c : StringColumns()) string_bytes += rows.StringAt(c, i).size();  // "" when null
    const size_t at = out->size();
    out->resize(at + kPresenceBytes + kNumColumns * kMaxVarintBytes + string_bytes);
    char* const row_start = out->data() + at;
    char* presence = row_start;
    std::memset(presence, 0, kPresenceBytes);
    char* p = row_start + kPresenceBytes;
    for (int c = 0; c < kNumColumns; ++c) {
      if (!rows.Has(c, i)) continue;
      presence[c / 8] = static_cast<char>(presence[c / 8] | (1 << (c % 8)));
      switch (kCatalog[c].type) {
        case PhysicalType::kDouble: {
          const double d = rows.DoubleAt(c, i);
          std::memcpy(p, &d, 8);
          p += 8;
          break;
        }
        case PhysicalType::kByteArray: {
          const std::string_view str = rows.StringAt(c, i);
          p = PutVarintAt(str.size(), p);
          std::memcpy(p, str.data(), str.size());
          p += str.size();
          break;
        }
        default:
          p = PutVarintAt(ZigZag(rows.IntAt(c, i)), p);
          break;
      }
    }
    out->resize(static_cast<size_t>(p - out->data()));
  }
}

Status DecodeRows(std::string_view in, RowBuffer* rows) {
  uint64_t n = 0;
  if (!GetVarint(&in, &n)) return CorruptError("journal record: bad row count");
  if (n > in.size()) return CorruptError("journal record: row count larger than the record");
  Row row;
  for (uint64_t i = 0; i < n; ++i) {
    if (in.size() < kPresenceBytes) return CorruptError("journal record: truncated row");
    const char* presence = in.data();
    in.remove_prefix(kPresenceBytes);
    row.Clear();
    for (int c = 0; c < kNumColumns; ++c) {
      if (!(presence[c / 8] & (1 << (c % 8)))) continue;
      switch (kCatalog[c].type) {
        case PhysicalType::kDouble: {
          if (in.size() < 8) return CorruptError("journal record: truncated double");
          double d;
          std::memcpy(&d, in.data(), 8);
          in.remove_prefix(8);
          row.SetDouble(c, d);
          break;
        }
        case PhysicalType::kByteArray: {
          uint64_t len = 0;
          if (!GetVarint(&in, &len) || len > in.size()) {
            return CorruptError("journal record: bad string length");
          }
          row.SetString(c, in.substr(0, len));
          in.remove_prefix(len);
          break;
        }
        default: {
          uint64_t v = 0;
          if (!GetVarint(&in, &v)) return CorruptError("journal record: bad integer");
          row.SetInt(c, UnZigZag(v));
          break;
        }
      }
    }
    if (!row.has(Col("time"))) return CorruptError("journal record: row without time");
    rows->Append(row);
  }
  if (!in.empty()) return CorruptError("journal record: trailing bytes");
  return OkStatus();
}

Result<JournalWriter> JournalWriter::Create(const std::string& path, std::string_view identifier) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create " + path, errno);
  ScopedFd owned(fd);
  std::string header(kMagic, 4);
  PutU32(kVersion, &header);
  PutU32(static_cast<uint32_t>(identifier.size()), &header);
  header.append(identifier);
  FGM_RETURN_IF_ERROR(WriteAll(fd, header).WithContext(path));
  return JournalWriter(path, std::move(owned), static_cast<int64_t>(header.size()));
}

Status JournalWriter::Append(const RowBuffer& rows, size_t begin, size_t end) {
  if (begin >= end) return OkStatus();
  // One record per kRecordRows rows: a flush of 1,000 containers x 2 s encoded as a single
  // record needed ~1.2 MiB of raw rows plus a compression buffer of the same size at once, which
  // glibc then kept as the daemon's high-water mark. Per 512 rows it is ~0.3 MiB each, and zstd
  // still sees ~a quarter of a tick's containers per frame.
  constexpr size_t kRecordRows = 512;
  std::string raw;
  std::string payload;
  std::string records;
  for (size_t chunk = begin; chunk < end; chunk += kRecordRows) {
    raw.clear();
    EncodeRows(rows, chunk, std::min(end, chunk + kRecordRows), &raw);
    FGM_RETURN_IF_ERROR(
        parquet::Compress(parquet::CompressionCodec::kZstd, raw, kJournalZstdLevel, &payload));
    PutU32(static_cast<uint32_t>(payload.size()), &records);
    PutU32(Crc32(payload), &records);
    PutU32(static_cast<uint32_t>(raw.size()), &records);
    records += payload;
  }
  Status s = WriteAll(fd_.get(), records);
  if (!s.ok()) {
    // Cut a partial record off so the next append starts at a record boundary.
    if (::ftruncate(fd_.get(), length_) == 0) ::lseek(fd_.get(), length_, SEEK_SET);
    return s.WithContext(path_);
  }
  length_ += static_cast<int64_t>(records.size());
  unsynced_ = true;
  return OkStatus();
}

Status JournalWriter::Sync() {
  if (!unsynced_) return OkStatus();
  if (::fdatasync(fd_.get()) != 0) return ErrnoError("fdatasync", errno).WithContext(path_);
  unsynced_ = false;
  return OkStatus();
}

Result<JournalContents> ParseJournal(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return CorruptError("not an FGM journal (bad magic)");
  }
  if (GetU32(bytes.data() + 4) != kVersion) {
    return UnsupportedError("journal version " + std::to_string(GetU32(bytes.data() + 4)));
  }
  JournalContents out;
  uint32_t id_len = bytes.size() >= kHeaderBytes + 4 ? GetU32(bytes.data() + kHeaderBytes) : 0;
  if (bytes.size() < kHeaderBytes + 4 || id_len > bytes.size() - kHeaderBytes - 4) {
    return CorruptError("journal header truncated");
  }
  out.identifier.assign(bytes.data() + kHeaderBytes + 4, id_len);
  std::string_view rest = bytes.substr(kHeaderBytes + 4 + id_len);
  std::string raw;
  while (!rest.empty()) {
    if (rest.size() < kRecordHeaderBytes) {
      out.truncated_tail = true;
      break;
    }
    uint32_t len = GetU32(rest.data());
    uint32_t crc = GetU32(rest.data() + 4);
    uint32_t raw_len = GetU32(rest.data() + 8);
    size_t header = kRecordHeaderBytes;
    if (len > kMaxRecordBytes || raw_len > kMaxDecodedRecordBytes || rest.size() - header < len) {
      out.truncated_tail = true;
      break;
    }
    std::string_view payload = rest.substr(header, len);
    if (Crc32(payload) != crc) {
      out.truncated_tail = true;
      break;
    }
    // Decode into a scratch buffer so a bad record adds no partial rows.
    RowBuffer record_rows;
    if (!parquet::Decompress(parquet::CompressionCodec::kZstd, payload, raw_len, &raw).ok() ||
        !DecodeRows(raw, &record_rows).ok()) {
      out.truncated_tail = true;
      break;
    }
    Row row;
    for (size_t i = 0; i < record_rows.size(); ++i) {
      record_rows.GetRow(i, &row);
      out.rows.Append(row);
    }
    rest.remove_prefix(header + len);
  }
  return out;
}

Result<JournalContents> ReadJournal(const std::string& path) {
  FGM_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  auto contents = ParseJournal(bytes);
  if (!contents.ok()) return contents.error().WithContext(path);
  return contents;
}

}  // namespace fgm::store
