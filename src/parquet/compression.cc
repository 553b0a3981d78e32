// SPDX-License-Identifier: Apache-2.0
// Page codecs over libzstd, libsnappy, zlib and liblz4. Decompression always targets a buffer of
// exactly the size the page header declares, so a stream that would inflate further is rejected as
// corrupt instead of growing memory. Codec contexts are per thread and reused: a writer compresses
// thousands of pages and a fresh ZSTD or zlib context costs hundreds of KB of setup each.
// With FGM_PARQUET_NO_CODECS defined (the WebAssembly engine, wasm/CMakeLists.txt: Debian's
// emscripten has no zstd/snappy/zlib/lz4 to link) only UNCOMPRESSED is compiled in; the exported
// page stores uncompressed pages and gzips the whole file, which the browser inflates natively.
#include "parquet/compression.h"

#ifndef FGM_PARQUET_NO_CODECS
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#endif

#include <climits>
#include <cstdint>
#include <memory>
#include <string>

namespace fgm::parquet {

#ifndef FGM_PARQUET_NO_CODECS
namespace {

// zlib counts bytes in 32-bit uInt and liblz4 in int; Parquet page sizes are int32 anyway.
constexpr size_t kMaxZlibBytes = UINT_MAX;
constexpr size_t kMaxLz4Bytes = LZ4_MAX_INPUT_SIZE;

// zlib window bits: 15 is the largest window; +16 writes gzip framing, +32 auto-detects gzip or
// zlib framing on read (Hadoop's GzipCodec writes gzip, some writers emit raw zlib).
constexpr int kZlibWindowBits = 15;
constexpr int kGzipWrite = kZlibWindowBits + 16;
constexpr int kGzipOrZlibRead = kZlibWindowBits + 32;
// zlib's default level; used when the caller's level is outside gzip's 1..9 (it may be a ZSTD
// level).
constexpr int kDefaultGzipLevel = 6;

// The most output each format can produce per input byte, used to reject a page header whose
// size no stream of this length could honour before allocating for it: deflate's limit is 1032:1;
// an LZ4 sequence gains at most 255 output bytes per extra input byte; a ZSTD RLE block turns
// 4 bytes into at most one 128 KiB block.
constexpr size_t kMaxGzipRatio = 1032;
constexpr size_t kMaxLz4Ratio = 255;
constexpr size_t kZstdMaxBlockBytes = 128 << 10;
// Fixed slack on top of the ratios for headers and short streams.
constexpr size_t kRatioSlackBytes = 1024;

bool ExceedsRatio(std::string_view input, size_t uncompressed_size, size_t ratio) {
  return uncompressed_size / ratio > input.size() + kRatioSlackBytes;
}

struct ZstdContexts {
  ZSTD_CCtx* cctx = nullptr;
  ZSTD_DCtx* dctx = nullptr;
  ~ZstdContexts() {
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
  }
};

ZstdContexts& Zstd() {
  thread_local ZstdContexts contexts;
  return contexts;
}

// One deflate and one inflate stream per thread, reset between pages.
struct ZlibStreams {
  z_stream deflate{};
  bool deflate_ready = false;
  int deflate_level = 0;
  z_stream inflate{};
  bool inflate_ready = false;
  ~ZlibStreams() {
    if (deflate_ready) deflateEnd(&deflate);
    if (inflate_ready) inflateEnd(&inflate);
  }
};

ZlibStreams& Zlib() {
  thread_local ZlibStreams streams;
  return streams;
}

Status CompressZstd(std::string_view input, int level, std::string* out) {
  ZstdContexts& z = Zstd();
  if (z.cctx == nullptr) z.cctx = ZSTD_createCCtx();
  if (z.cctx == nullptr) return InternalError("zstd: cannot create context");
  out->resize(ZSTD_compressBound(input.size()));
  const size_t n =
      ZSTD_compressCCtx(z.cctx, out->data(), out->size(), input.data(), input.size(), level);
  if (ZSTD_isError(n)) return InternalError(std::string("zstd: ") + ZSTD_getErrorName(n));
  out->resize(n);
  return OkStatus();
}

Status DecompressZstd(std::string_view input, size_t size, std::string* out) {
  // A frame that states its size must state ours; frames without it are bounded by the buffer.
  const unsigned long long declared = ZSTD_getFrameContentSize(input.data(), input.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) return CorruptError("zstd: not a zstd frame");
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != size) {
    return CorruptError("zstd: frame size differs from page header");
  }
  if (size / kZstdMaxBlockBytes > input.size() / 4 + 1) {
    return CorruptError("zstd: page header size impossible for this stream");
  }
  out->resize(size);
  ZstdContexts& z = Zstd();
  if (z.dctx == nullptr) z.dctx = ZSTD_createDCtx();
  if (z.dctx == nullptr) return InternalError("zstd: cannot create context");
  const size_t n =
      ZSTD_decompressDCtx(z.dctx, out->data(), out->size(), input.data(), input.size());
  if (ZSTD_isError(n)) return CorruptError(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != out->size()) return CorruptError("zstd: output shorter than page header says");
  return OkStatus();
}

Status CompressGzip(std::string_view input, int level, std::string* out) {
  if (input.size() > kMaxZlibBytes) return InvalidArgumentError("gzip: input too large");
  if (level < 1 || level > 9) level = kDefaultGzipLevel;
  ZlibStreams& z = Zlib();
  if (z.deflate_ready && z.deflate_level != level) {
    deflateEnd(&z.deflate);
    z.deflate_ready = false;
  }
  if (!z.deflate_ready) {
    z.deflate = z_stream{};
    if (deflateInit2(&z.deflate, level, Z_DEFLATED, kGzipWrite, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return InternalError("gzip: deflateInit2 failed");
    }
    z.deflate_ready = true;
    z.deflate_level = level;
  } else if (deflateReset(&z.deflate) != Z_OK) {
    return InternalError("gzip: deflateReset failed");
  }
  const uLong bound = deflateBound(&z.deflate, static_cast<uLong>(input.size()));
  out->resize(bound);
  z.deflate.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.deflate.avail_in = static_cast<uInt>(input.size());
  z.deflate.next_out = reinterpret_cast<Bytef*>(out->data());
  z.deflate.avail_out = static_cast<uInt>(bound);
  if (deflate(&z.deflate, Z_FINISH) != Z_STREAM_END) {
    return InternalError("gzip: deflate did not finish within its bound");
  }
  out->resize(z.deflate.total_out);
  return OkStatus();
}

Status DecompressGzip(std::string_view input, size_t size, std::string* out) {
  if (input.size() > kMaxZlibBytes || size > kMaxZlibBytes) {
    return CorruptError("gzip: page too large");
  }
  if (ExceedsRatio(input, size, kMaxGzipRatio)) {
    return CorruptError("gzip: page header size impossible for this stream");
  }
  out->resize(size);
  ZlibStreams& z = Zlib();
  if (!z.inflate_ready) {
    z.inflate = z_stream{};
    if (inflateInit2(&z.inflate, kGzipOrZlibRead) != Z_OK) {
      return InternalError("gzip: inflateInit2 failed");
    }
    z.inflate_ready = true;
  } else if (inflateReset(&z.inflate) != Z_OK) {
    return InternalError("gzip: inflateReset failed");
  }
  z_stream& s = z.inflate;
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  s.avail_in = static_cast<uInt>(input.size());
  s.next_out = reinterpret_cast<Bytef*>(out->data());
  s.avail_out = static_cast<uInt>(out->size());
  while (true) {
    const int rc = inflate(&s, Z_FINISH);
    if (rc == Z_STREAM_END) {
      if (s.avail_in == 0) break;
      // Concatenated gzip members are one valid stream (gzip(1) reads them the same way).
      if (inflateReset(&s) != Z_OK) return InternalError("gzip: inflateReset failed");
      continue;
    }
    if (rc == Z_BUF_ERROR && s.avail_out == 0) {
      return CorruptError("gzip: data inflates past the page header's size");
    }
    if (rc == Z_BUF_ERROR) return CorruptError("gzip: truncated stream");
    return CorruptError(std::string("gzip: ") + (s.msg != nullptr ? s.msg : "inflate failed"));
  }
  if (s.avail_out != 0) return CorruptError("gzip: output shorter than page header says");
  return OkStatus();
}

Status DecompressSnappy(std::string_view input, size_t size, std::string* out) {
  size_t declared = 0;
  if (!snappy::GetUncompressedLength(input.data(), input.size(), &declared)) {
    return CorruptError("snappy: bad length header");
  }
  if (declared != size) return CorruptError("snappy: size differs from page header");
  out->resize(size);
  if (!snappy::RawUncompress(input.data(), input.size(), out->data())) {
    return CorruptError("snappy: corrupt stream");
  }
  return OkStatus();
}

Status DecompressLz4Raw(std::string_view input, size_t size, std::string* out) {
  if (input.size() > kMaxLz4Bytes || size > kMaxLz4Bytes) {
    return CorruptError("lz4: page too large");
  }
  if (ExceedsRatio(input, size, kMaxLz4Ratio)) {
    return CorruptError("lz4: page header size impossible for this stream");
  }
  out->resize(size);
  const int n = LZ4_decompress_safe(input.data(), out->data(), static_cast<int>(input.size()),
                                    static_cast<int>(out->size()));
  // A negative result covers both malformed input and output that would not fit the buffer.
  if (n < 0) return CorruptError("lz4: corrupt stream or output past the page header's size");
  if (static_cast<size_t>(n) != out->size()) {
    return CorruptError("lz4: output shorter than page header says");
  }
  return OkStatus();
}

}  // namespace
#endif  // FGM_PARQUET_NO_CODECS

bool CanCompress(CompressionCodec codec) {
#ifdef FGM_PARQUET_NO_CODECS
  return codec == CompressionCodec::kUncompressed;
#else
  switch (codec) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
    case CompressionCodec::kLz4Raw:
      return true;
    default:
      return false;
  }
#endif
}

Status Compress(CompressionCodec codec, std::string_view input, [[maybe_unused]] int level,
                std::string* out) {
  out->clear();
  switch (codec) {
    case CompressionCodec::kUncompressed:
      out->assign(input);
      return OkStatus();
#ifndef FGM_PARQUET_NO_CODECS
    case CompressionCodec::kSnappy: {
      out->resize(snappy::MaxCompressedLength(input.size()));
      size_t n = 0;
      snappy::RawCompress(input.data(), input.size(), out->data(), &n);
      out->resize(n);
      return OkStatus();
    }
    case CompressionCodec::kGzip:
      return CompressGzip(input, level, out);
    case CompressionCodec::kZstd:
      return CompressZstd(input, level, out);
    case CompressionCodec::kLz4Raw: {
      if (input.size() > kMaxLz4Bytes) return InvalidArgumentError("lz4: input too large");
      out->resize(static_cast<size_t>(LZ4_compressBound(static_cast<int>(input.size()))));
      const int n = LZ4_compress_default(input.data(), out->data(), static_cast<int>(input.size()),
                                         static_cast<int>(out->size()));
      if (n <= 0) return InternalError("lz4: compression failed");
      out->resize(static_cast<size_t>(n));
      return OkStatus();
    }
#endif
    default:
      return UnsupportedError("cannot compress with codec " + std::string(CodecName(codec)));
  }
}

Status Decompress(CompressionCodec codec, std::string_view input, size_t uncompressed_size,
                  std::string* out) {
#ifdef FGM_PARQUET_NO_CODECS
  // Says why, since the file itself is valid (`fgm export` embeds uncompressed pages).
  constexpr const char* kNoCodecsNote = " in this build (compiled without codecs)";
#else
  constexpr const char* kNoCodecsNote = "";
#endif
  switch (codec) {
    case CompressionCodec::kUncompressed:
#ifndef FGM_PARQUET_NO_CODECS
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
    case CompressionCodec::kLz4Raw:
#endif
      break;
    default:
      return UnsupportedError("cannot decompress codec " + std::string(CodecName(codec)) +
                              kNoCodecsNote);
  }
  out->clear();
  if (codec == CompressionCodec::kUncompressed) {
    if (input.size() != uncompressed_size) {
      return CorruptError("uncompressed page size differs from page header");
    }
    out->assign(input);
    return OkStatus();
  }
#ifdef FGM_PARQUET_NO_CODECS
  return InternalError("unreachable: only UNCOMPRESSED is compiled in");
#else
  // Some writers store an empty page body without running the codec over it.
  if (uncompressed_size == 0 && input.empty()) return OkStatus();
  // Each codec checks the declared size against what the stream could produce, then sizes *out.
  Status status;
  switch (codec) {
    case CompressionCodec::kSnappy:
      status = DecompressSnappy(input, uncompressed_size, out);
      break;
    case CompressionCodec::kGzip:
      status = DecompressGzip(input, uncompressed_size, out);
      break;
    case CompressionCodec::kZstd:
      status = DecompressZstd(input, uncompressed_size, out);
      break;
    default:
      status = DecompressLz4Raw(input, uncompressed_size, out);
      break;
  }
  if (!status.ok()) out->clear();
  return status;
#endif
}

}  // namespace fgm::parquet
