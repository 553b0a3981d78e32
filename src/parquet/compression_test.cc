// SPDX-License-Identifier: Apache-2.0
// Tests for the page codecs: round trips, framing (gzip on write, gzip or zlib on read), and the
// size contract: output must match the page header exactly and a bomb cannot inflate past it.
#include "parquet/compression.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <random>
#include <string>
#include <vector>

namespace fgm::parquet {
namespace {

constexpr CompressionCodec kWritable[] = {CompressionCodec::kUncompressed,
                                          CompressionCodec::kSnappy, CompressionCodec::kGzip,
                                          CompressionCodec::kZstd, CompressionCodec::kLz4Raw};
constexpr CompressionCodec kCompressing[] = {CompressionCodec::kSnappy, CompressionCodec::kGzip,
                                             CompressionCodec::kZstd, CompressionCodec::kLz4Raw};

std::vector<std::string> Inputs() {
  std::vector<std::string> inputs = {"", "x", "hello hello hello hello hello"};
  std::mt19937 rng(1);
  std::string random(100000, '\0');
  for (auto& c : random) c = static_cast<char>(rng());
  inputs.push_back(random);
  std::string text;
  while (text.size() < 1 << 20)
    text += "container_cpu_usage_usec " + std::to_string(rng() % 1000) + "\n";
  inputs.push_back(text);
  return inputs;
}

std::string MustCompress(CompressionCodec codec, std::string_view input, int level = 3) {
  std::string out = "stale";
  const Status s = Compress(codec, input, level, &out);
  EXPECT_TRUE(s.ok()) << CodecName(codec) << ": " << s.ToString();
  return out;
}

TEST(CompressionTest, RoundTripEveryWritableCodec) {
  for (CompressionCodec codec : kWritable) {
    ASSERT_TRUE(CanCompress(codec));
    for (const std::string& input : Inputs()) {
      const std::string compressed = MustCompress(codec, input);
      std::string out = "stale";
      const Status s = Decompress(codec, compressed, input.size(), &out);
      ASSERT_TRUE(s.ok()) << CodecName(codec) << " " << input.size() << ": " << s.ToString();
      EXPECT_EQ(out, input) << CodecName(codec);
    }
  }
}

TEST(CompressionTest, CompressibleDataShrinks) {
  const std::string text = Inputs().back();
  for (CompressionCodec codec : kCompressing) {
    EXPECT_LT(MustCompress(codec, text).size(), text.size() / 2) << CodecName(codec);
  }
  // Higher ZSTD and GZIP levels do at least as well here.
  EXPECT_LE(MustCompress(CompressionCodec::kZstd, text, 19).size(),
            MustCompress(CompressionCodec::kZstd, text, 1).size());
  EXPECT_LE(MustCompress(CompressionCodec::kGzip, text, 9).size(),
            MustCompress(CompressionCodec::kGzip, text, 1).size());
}

TEST(CompressionTest, GzipWritesGzipFramingAndReadsZlibToo) {
  const std::string input = Inputs()[2];
  const std::string gz = MustCompress(CompressionCodec::kGzip, input);
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<uint8_t>(gz[1]), 0x8b);
  // zlib framing, as written by zlib's compress().
  std::string zlib(compressBound(input.size()), '\0');
  uLongf zlib_size = zlib.size();
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(zlib.data()), &zlib_size,
                     reinterpret_cast<const Bytef*>(input.data()), input.size()),
            Z_OK);
  zlib.resize(zlib_size);
  EXPECT_EQ(static_cast<uint8_t>(zlib[0]), 0x78);
  std::string out;
  ASSERT_TRUE(Decompress(CompressionCodec::kGzip, zlib, input.size(), &out).ok());
  EXPECT_EQ(out, input);
  // Two gzip members back to back read as their concatenation.
  ASSERT_TRUE(Decompress(CompressionCodec::kGzip, gz + gz, 2 * input.size(), &out).ok());
  EXPECT_EQ(out, input + input);
  // Out-of-range gzip levels fall back to the default instead of failing.
  EXPECT_TRUE(Compress(CompressionCodec::kGzip, input, 0, &out).ok());
  EXPECT_TRUE(Compress(CompressionCodec::kGzip, input, 22, &out).ok());
}

TEST(CompressionTest, SizeMismatchIsCorrupt) {
  const std::string input = Inputs()[4];
  for (CompressionCodec codec : kWritable) {
    const std::string compressed = MustCompress(codec, input);
    std::string out;
    EXPECT_EQ(Decompress(codec, compressed, input.size() - 1, &out).code(), StatusCode::kCorrupt)
        << CodecName(codec);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(Decompress(codec, compressed, input.size() + 1, &out).code(), StatusCode::kCorrupt)
        << CodecName(codec);
  }
}

TEST(CompressionTest, DecompressionBombIsRejectedWithinTheDeclaredSize) {
  // 64 MiB of zeros compresses to a few KiB; a header claiming 4 KiB must not inflate past it.
  const std::string zeros(64 << 20, '\0');
  for (CompressionCodec codec : kCompressing) {
    const std::string bomb = MustCompress(codec, zeros);
    ASSERT_LT(bomb.size(), 4u << 20) << CodecName(codec);
    std::string out;
    EXPECT_EQ(Decompress(codec, bomb, 4096, &out).code(), StatusCode::kCorrupt) << CodecName(codec);
    EXPECT_LE(out.capacity(), size_t{64} << 10) << CodecName(codec);
  }
  // A header claiming 1 GiB for a small stream is refused before anything is allocated.
  for (CompressionCodec codec : kCompressing) {
    std::string out;
    EXPECT_EQ(Decompress(codec, MustCompress(codec, "small page"), size_t{1} << 30, &out).code(),
              StatusCode::kCorrupt)
        << CodecName(codec);
    EXPECT_LT(out.capacity(), size_t{1} << 20) << CodecName(codec);
  }
  // A ZSTD frame without a content size (streaming writers) is still bounded by the buffer.
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ASSERT_EQ(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0), 0u);
  std::string frame(ZSTD_compressBound(zeros.size()), '\0');
  const size_t n = ZSTD_compress2(cctx, frame.data(), frame.size(), zeros.data(), zeros.size());
  ZSTD_freeCCtx(cctx);
  ASSERT_FALSE(ZSTD_isError(n));
  frame.resize(n);
  EXPECT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  std::string out;
  EXPECT_EQ(Decompress(CompressionCodec::kZstd, frame, 4096, &out).code(), StatusCode::kCorrupt);
  ASSERT_TRUE(Decompress(CompressionCodec::kZstd, frame, zeros.size(), &out).ok());
  EXPECT_EQ(out, zeros);
}

TEST(CompressionTest, TruncatedAndGarbageInputIsCorrupt) {
  const std::string input = Inputs()[4];
  std::mt19937 rng(5);
  for (CompressionCodec codec : kCompressing) {
    const std::string compressed = MustCompress(codec, input);
    for (size_t len :
         {size_t{0}, size_t{1}, size_t{5}, compressed.size() / 2, compressed.size() - 1}) {
      std::string out;
      EXPECT_EQ(Decompress(codec, compressed.substr(0, len), input.size(), &out).code(),
                StatusCode::kCorrupt)
          << CodecName(codec) << " len " << len;
    }
    for (int iter = 0; iter < 300; ++iter) {
      std::string data = compressed.substr(0, rng() % 2000);
      for (int k = 0; k < 3 && !data.empty(); ++k)
        data[rng() % data.size()] = static_cast<char>(rng());
      std::string out;
      const Status s = Decompress(codec, data, rng() % 100000, &out);
      if (!s.ok()) {
        EXPECT_EQ(s.code(), StatusCode::kCorrupt) << CodecName(codec);
      }
    }
  }
}

TEST(CompressionTest, EmptyPageBodies) {
  for (CompressionCodec codec : kWritable) {
    std::string out = "stale";
    EXPECT_TRUE(Decompress(codec, "", 0, &out).ok()) << CodecName(codec);
    EXPECT_TRUE(out.empty());
  }
}

TEST(CompressionTest, UnsupportedCodecs) {
  for (CompressionCodec codec :
       {CompressionCodec::kLzo, CompressionCodec::kBrotli, CompressionCodec::kLz4}) {
    EXPECT_FALSE(CanCompress(codec));
    std::string out;
    EXPECT_EQ(Compress(codec, "abc", 0, &out).code(), StatusCode::kUnsupported);
    EXPECT_EQ(Decompress(codec, "abc", 3, &out).code(), StatusCode::kUnsupported);
  }
}

TEST(CompressionTest, ContextsAreReusedAcrossManyPages) {
  // The writer compresses thousands of pages per thread; alternate codecs and levels to check the
  // cached contexts reset correctly between calls.
  const std::string text = Inputs().back().substr(0, 8192);
  for (int i = 0; i < 2000; ++i) {
    const CompressionCodec codec = i % 2 ? CompressionCodec::kZstd : CompressionCodec::kGzip;
    const std::string page = text.substr(static_cast<size_t>(i) % 100);
    std::string compressed;
    ASSERT_TRUE(Compress(codec, page, 1 + i % 5, &compressed).ok());
    std::string out;
    ASSERT_TRUE(Decompress(codec, compressed, page.size(), &out).ok());
    ASSERT_EQ(out, page);
  }
}

}  // namespace
}  // namespace fgm::parquet
