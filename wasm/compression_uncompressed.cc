// SPDX-License-Identifier: Apache-2.0
// The WebAssembly build's parquet/compression.h: UNCOMPRESSED only. Debian's emscripten has no
// zstd/snappy/zlib/lz4 ports and no sources to build them, so the exported page stores its
// Parquet pages uncompressed and gzips the whole file instead (the browser inflates it with
// DecompressionStream). Replaces src/parquet/compression.cc in wasm/CMakeLists.txt only.
#include <string>

#include "parquet/compression.h"

namespace fgm::parquet {

Status Compress(CompressionCodec codec, std::string_view input, int /*level*/, std::string* out) {
  if (codec != CompressionCodec::kUncompressed) {
    return UnsupportedError("the WebAssembly engine writes only uncompressed pages");
  }
  out->assign(input);
  return OkStatus();
}

Status Decompress(CompressionCodec codec, std::string_view input, size_t uncompressed_size,
                  std::string* out) {
  out->clear();
  if (codec != CompressionCodec::kUncompressed) {
    return UnsupportedError("codec " + std::string(CodecName(codec)) +
                            " is not available in the WebAssembly engine (it reads the "
                            "uncompressed Parquet that `fgm export` embeds)");
  }
  if (input.size() != uncompressed_size) {
    return CorruptError("uncompressed page size differs from page header");
  }
  out->assign(input);
  return OkStatus();
}

bool CanCompress(CompressionCodec codec) { return codec == CompressionCodec::kUncompressed; }

}  // namespace fgm::parquet
