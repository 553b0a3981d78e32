// SPDX-License-Identifier: Apache-2.0
// A small JSON writer for the viewer API. The server and the exported HTML (WASM) must produce
// byte-identical responses, so number formatting is our own (no locale, no printf differences
// between libcs for the common cases) and fast: a stress-scenario /api/timeseries answer holds
// ~2.4 M numbers (333 series x 1,800 buckets x 4 arrays), so numbers are written straight into
// the output buffer, arrays in blocks, with no per-value allocation or libm call.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fgm::engine {

/// Appends JSON tokens to a string; commas are inserted automatically. Not validating: callers
/// pair Begin/End calls. Not thread-safe.
///
///   JsonWriter w;
///   w.BeginObject(); w.Key("n"); w.Int(3); w.Key("v"); w.Double(0.5); w.EndObject();
///   w.str() == R"({"n":3,"v":0.5})"
class JsonWriter {
 public:
  JsonWriter() = default;
  /// Writes into `buffer`'s memory: its contents are dropped, its capacity kept (Take() hands it
  /// back).
  explicit JsonWriter(std::string buffer) : out_(std::move(buffer)) { out_.clear(); }

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  /// Integral values (|v| < 2^53) exactly; others with 7 significant digits and at most 9
  /// decimals, trailing zeros dropped (FormatJsonNumber); NaN/inf become null.
  void Double(double value);
  void Null();
  void Bool(bool value);
  /// String, or null when empty.
  void StringOrNull(std::string_view value);
  void OptionalInt(const std::optional<int64_t>& value);
  /// A whole array, same output as BeginArray + Int/Double per value + EndArray, written in
  /// blocks straight into the buffer.
  void IntArray(std::span<const int64_t> values);
  void DoubleArray(std::span<const double> values);
  /// Pre-sizes the buffer for a response of about `bytes` (avoids the copies of regrowth).
  void Reserve(size_t bytes) { out_.reserve(bytes); }

  /// Appends `json`, one complete value written by another JsonWriter (e.g. on another thread),
  /// as the next value: a comma first when one is due, as for any value.
  void Raw(std::string_view json);
  /// The next value starts a separate fragment: no comma before it. For a writer that collects
  /// values back to back, each to be spliced elsewhere with Raw() (sliced by size()).
  void BeginFragment() { need_comma_ = false; }
  size_t size() const { return out_.size(); }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Open(char c);
  void Close(char c);
  void Separator();

  std::string out_;
  bool need_comma_ = false;
};

/// `value` as the writer prints it (for tests and messages).
std::string FormatJsonNumber(double value);
/// Appends `s` JSON-escaped with quotes.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace fgm::engine
