// SPDX-License-Identifier: Apache-2.0
// GzipStringSink: a Parquet OutputSink that gzips everything written to it into a string, so the
// export's HTML copy of the data (an uncompressed Parquet file, see export.h) never exists
// uncompressed in memory. The browser undoes it with DecompressionStream('gzip').
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "parquet/writer/file_writer.h"

namespace fgm::exporter {

/// Not thread-safe. `out` must outlive the sink; it holds the complete gzip member after Close().
/// Tell() counts the uncompressed bytes (the Parquet writer's offsets).
class GzipStringSink : public parquet::OutputSink {
 public:
  /// `level` 1..9 (zlib). kInternal if zlib cannot initialise.
  static Result<std::unique_ptr<GzipStringSink>> Create(std::string* out, int level);
  ~GzipStringSink() override;

  Status Write(std::string_view data) override;
  int64_t Tell() const override { return uncompressed_bytes_; }
  Status Close(bool sync) override;

  /// Compressed bytes produced so far (a lower bound of the final size until Close()).
  uint64_t compressed_bytes() const { return out_->size(); }

 private:
  struct State;
  GzipStringSink(std::string* out, std::unique_ptr<State> state);
  Status Deflate(std::string_view data, bool finish);

  std::string* out_;
  std::unique_ptr<State> state_;
  int64_t uncompressed_bytes_ = 0;
  bool closed_ = false;
};

/// Gzips `data` in one call (level 9). For tests and small payloads.
Result<std::string> GzipString(std::string_view data);
/// Inflates a gzip member (for tests). kCorrupt on bad input; kResourceExhausted past `max_bytes`.
Result<std::string> GunzipString(std::string_view data, size_t max_bytes = size_t{1} << 31);

}  // namespace fgm::exporter
