// SPDX-License-Identifier: Apache-2.0
// zlib-backed gzip sink and helpers (see gzip_sink.h).
#include "export/gzip_sink.h"

#include <zlib.h>

#include <cstring>

namespace fgm::exporter {

namespace {
// windowBits 15 (zlib's largest window) + 16 selects the gzip wrapper, which is what
// DecompressionStream('gzip') expects (a raw zlib stream would need 'deflate').
constexpr int kGzipWindowBits = 15 + 16;
// zlib's default memLevel is 8; 9 uses 256 KiB more state for slightly better compression, which
// is worth it for a file written once and shared.
constexpr int kMemLevel = 9;
// Output is produced in chunks of this size; 256 KiB keeps the number of deflate() calls low
// without holding much memory beyond the output string itself.
constexpr size_t kChunkBytes = 256 << 10;
}  // namespace

struct GzipStringSink::State {
  z_stream z{};
};

Result<std::unique_ptr<GzipStringSink>> GzipStringSink::Create(std::string* out, int level) {
  auto state = std::make_unique<State>();
  if (deflateInit2(&state->z, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return InternalError("zlib deflateInit2 failed");
  }
  return std::unique_ptr<GzipStringSink>(new GzipStringSink(out, std::move(state)));
}

GzipStringSink::GzipStringSink(std::string* out, std::unique_ptr<State> state)
    : out_(out), state_(std::move(state)) {}

GzipStringSink::~GzipStringSink() { deflateEnd(&state_->z); }

Status GzipStringSink::Deflate(std::string_view data, bool finish) {
  z_stream& z = state_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  for (;;) {
    size_t old = out_->size();
    out_->resize(old + kChunkBytes);
    z.next_out = reinterpret_cast<Bytef*>(out_->data() + old);
    z.avail_out = static_cast<uInt>(kChunkBytes);
    int rc = deflate(&z, finish ? Z_FINISH : Z_NO_FLUSH);
    out_->resize(old + (kChunkBytes - z.avail_out));
    if (rc == Z_STREAM_ERROR) return InternalError("zlib deflate failed");
    if (finish ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0)) break;
  }
  return OkStatus();
}

Status GzipStringSink::Write(std::string_view data) {
  if (closed_) return InternalError("write after Close on a gzip sink");
  // zlib counts in uInt; feed very large writes in slices.
  constexpr size_t kSlice = size_t{1} << 30;
  while (!data.empty()) {
    std::string_view part = data.substr(0, kSlice);
    FGM_RETURN_IF_ERROR(Deflate(part, false));
    uncompressed_bytes_ += static_cast<int64_t>(part.size());
    data.remove_prefix(part.size());
  }
  return OkStatus();
}

Status GzipStringSink::Close(bool /*sync*/) {
  if (closed_) return OkStatus();
  closed_ = true;
  return Deflate({}, true);
}

Result<std::string> GzipString(std::string_view data) {
  std::string out;
  FGM_ASSIGN_OR_RETURN(auto sink, GzipStringSink::Create(&out, 9));
  FGM_RETURN_IF_ERROR(sink->Write(data));
  FGM_RETURN_IF_ERROR(sink->Close(false));
  return out;
}

Result<std::string> GunzipString(std::string_view data, size_t max_bytes) {
  z_stream z{};
  if (inflateInit2(&z, kGzipWindowBits) != Z_OK) return InternalError("zlib inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (out.size() >= max_bytes) {
      inflateEnd(&z);
      return ResourceExhaustedError("gzip data inflates past " + std::to_string(max_bytes));
    }
    size_t old = out.size();
    out.resize(old + kChunkBytes);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    z.avail_out = static_cast<uInt>(kChunkBytes);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(old + (kChunkBytes - z.avail_out));
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return CorruptError("bad gzip data (zlib error " + std::to_string(rc) + ")");
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return CorruptError("truncated gzip data");
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace fgm::exporter
