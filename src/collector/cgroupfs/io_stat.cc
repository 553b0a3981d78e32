// SPDX-License-Identifier: Apache-2.0
// Block I/O accounting parsers (see io_stat.h).
#include "collector/cgroupfs/io_stat.h"

#include <charconv>

#include "collector/cgroupfs/parse_internal.h"

namespace fgm::collector {
namespace {

using internal::LineError;
using internal::ParseU64Token;

bool ParseDevice(std::string_view token, uint32_t* major, uint32_t* minor) {
  size_t colon = token.find(':');
  if (colon == std::string_view::npos) return false;
  auto parse = [](std::string_view s, uint32_t* out) {
    if (s.empty()) return false;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && ptr == s.data() + s.size();
  };
  return parse(token.substr(0, colon), major) && parse(token.substr(colon + 1), minor);
}

// Calls fn(line_no, line) for every non-empty line.
template <typename Fn>
Status ForEachNonEmptyLine(std::string_view text, Fn&& fn) {
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    FGM_RETURN_IF_ERROR(fn(line_no, line));
  }
  return OkStatus();
}

}  // namespace

IoTotals IoStat::Totals() const {
  IoTotals t;
  for (const IoDeviceStat& d : devices) {
    t.rbytes += d.rbytes.value_or(0);
    t.wbytes += d.wbytes.value_or(0);
    t.rios += d.rios.value_or(0);
    t.wios += d.wios.value_or(0);
    t.dbytes += d.dbytes.value_or(0);
    t.dios += d.dios.value_or(0);
  }
  return t;
}

Result<IoStat> ParseIoStat(std::string_view text) {
  IoStat out;
  FGM_RETURN_IF_ERROR(ForEachNonEmptyLine(text, [&](int line_no, std::string_view line) -> Status {
    // A line has the device plus a dozen optional key=value pairs; 32 tokens leaves room for
    // every stat the iocost/iolatency controllers append.
    constexpr size_t kMaxTokens = 32;
    std::string_view tokens[kMaxTokens];
    size_t n = internal::SplitTokens(line, tokens, kMaxTokens);
    if (n > kMaxTokens) n = kMaxTokens;  // more keys than we know of: the rest are unknown keys
    IoDeviceStat dev;
    if (!ParseDevice(tokens[0], &dev.major, &dev.minor)) {
      return LineError(line_no, "expected 'MAJ:MIN key=value...'", line);
    }
    for (size_t i = 1; i < n; ++i) {
      std::string_view tok = tokens[i];
      size_t eq = tok.find('=');
      if (eq == std::string_view::npos) return LineError(line_no, "token without '='", line);
      std::string_view key = tok.substr(0, eq);
      std::optional<uint64_t>* field = nullptr;
      if (key == "rbytes")
        field = &dev.rbytes;
      else if (key == "wbytes")
        field = &dev.wbytes;
      else if (key == "rios")
        field = &dev.rios;
      else if (key == "wios")
        field = &dev.wios;
      else if (key == "dbytes")
        field = &dev.dbytes;
      else if (key == "dios")
        field = &dev.dios;
      if (field == nullptr) continue;  // unknown key; its value may be a decimal (cost.vrate)
      std::optional<uint64_t> v = ParseU64Token(tok.substr(eq + 1));
      if (!v) return LineError(line_no, "value is not an unsigned 64-bit integer", line);
      *field = *v;
    }
    out.devices.push_back(dev);
    return OkStatus();
  }));
  return out;
}

Result<BlkioRwStat> ParseBlkioRwStat(std::string_view text) {
  if (text.empty()) return internal::EmptyFileError();
  BlkioRwStat out;
  FGM_RETURN_IF_ERROR(ForEachNonEmptyLine(text, [&](int line_no, std::string_view line) -> Status {
    std::string_view tokens[3];
    size_t n = internal::SplitTokens(line, tokens, 3);
    if (n == 2 && tokens[0] == "Total") {
      std::optional<uint64_t> v = ParseU64Token(tokens[1]);
      if (!v) return LineError(line_no, "value is not an unsigned 64-bit integer", line);
      out.total = *v;
      return OkStatus();
    }
    uint32_t major = 0;
    uint32_t minor = 0;
    if (n != 3 || !ParseDevice(tokens[0], &major, &minor)) {
      return LineError(line_no, "expected 'MAJ:MIN Op value' or 'Total value'", line);
    }
    std::optional<uint64_t> v = ParseU64Token(tokens[2]);
    if (!v) return LineError(line_no, "value is not an unsigned 64-bit integer", line);
    // Lines of one device are adjacent (the kernel prints them together).
    if (out.devices.empty() || out.devices.back().major != major ||
        out.devices.back().minor != minor) {
      out.devices.push_back(BlkioDeviceStat{.major = major, .minor = minor});
    }
    BlkioDeviceStat& dev = out.devices.back();
    std::string_view op = tokens[1];
    if (op == "Read")
      dev.read = *v;
    else if (op == "Write")
      dev.write = *v;
    else if (op == "Sync")
      dev.sync = *v;
    else if (op == "Async")
      dev.async = *v;
    else if (op == "Discard")
      dev.discard = *v;
    else if (op == "Total")
      dev.total = *v;
    // Unknown operations are ignored, like unknown keys elsewhere.
    return OkStatus();
  }));
  // The kernel always ends the file with "Total N"; without it the text is not an rwstat file.
  if (!out.total) return InvalidFormatError("no 'Total' line");
  return out;
}

IoStat BlkioToIoStat(const BlkioRwStat& bytes, const BlkioRwStat& ios) {
  IoStat out;
  auto find_or_add = [&out](uint32_t major, uint32_t minor) -> IoDeviceStat& {
    for (IoDeviceStat& d : out.devices) {
      if (d.major == major && d.minor == minor) return d;
    }
    out.devices.push_back(IoDeviceStat{.major = major, .minor = minor});
    return out.devices.back();
  };
  for (const BlkioDeviceStat& b : bytes.devices) {
    IoDeviceStat& d = find_or_add(b.major, b.minor);
    d.rbytes = b.read;
    d.wbytes = b.write;
    d.dbytes = b.discard;
  }
  for (const BlkioDeviceStat& b : ios.devices) {
    IoDeviceStat& d = find_or_add(b.major, b.minor);
    d.rios = b.read;
    d.wios = b.write;
    d.dios = b.discard;
  }
  return out;
}

}  // namespace fgm::collector
