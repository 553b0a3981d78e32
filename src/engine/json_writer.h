// SPDX-License-Identifier: Apache-2.0
// A small JSON writer for the viewer API. The server and the exported HTML (WASM) must produce
// byte-identical responses, so number formatting is our own (no locale, no printf differences
// between libcs for the common cases) and fast: a 24 h series is ~100k numbers per response.
#pragma once

#include <cstdint>
#include <optional>
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
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  /// Finite values with at least 7 significant digits (integers exactly); NaN/inf become null.
  void Double(double value);
  void Null();
  void Bool(bool value);
  /// String, or null when empty.
  void StringOrNull(std::string_view value);
  void OptionalInt(const std::optional<int64_t>& value);

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
