// SPDX-License-Identifier: Apache-2.0
// /proc/<pid>/stat and /proc/<pid>/status parsers, and per-PID file reads (see pid_stat.h).
#include "collector/procfs/pid_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>

#include "collector/cgroupfs/cgroup_file.h"
#include "collector/cgroupfs/parse_internal.h"
#include "core/strings.h"

namespace fgm::collector {
namespace {

using internal::LineError;

template <typename T>
bool ParseNumber(std::string_view token, T* out) {
  if (token.empty()) return false;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), *out);
  return ec == std::errc() && ptr == token.data() + token.size();
}

}  // namespace

Result<ProcPidStat> ParseProcPidStat(std::string_view text) {
  if (text.empty()) return internal::EmptyFileError();
  std::string_view line = text;
  if (line.back() == '\n') line.remove_suffix(1);
  size_t open = line.find('(');
  size_t close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
      open == 0) {
    return LineError(1, "expected '<pid> (<comm>) ...'", line);
  }
  ProcPidStat s;
  std::string_view pid_token = line.substr(0, open);
  if (!pid_token.empty() && pid_token.back() == ' ') pid_token.remove_suffix(1);
  if (!ParseNumber(pid_token, &s.pid) || s.pid <= 0) return LineError(1, "bad pid", line);
  s.comm.assign(line.substr(open + 1, close - open - 1));

  // Fields (3).. after the last ')'. We need up to (24); stat has 52 on current kernels.
  constexpr size_t kFieldsAfterComm = 22;  // (3) through (24)
  std::string_view f[kFieldsAfterComm];
  size_t n = internal::SplitTokens(line.substr(close + 1), f, kFieldsAfterComm);
  if (n < kFieldsAfterComm) return LineError(1, "fewer than 24 fields", line);
  // f[i] is field (i + 3).
  if (f[0].size() != 1) return LineError(1, "state is not one character", line);
  s.state = f[0][0];
  bool ok = ParseNumber(f[1], &s.ppid) && ParseNumber(f[7], &s.minflt) &&
            ParseNumber(f[9], &s.majflt) && ParseNumber(f[11], &s.utime) &&
            ParseNumber(f[12], &s.stime) && ParseNumber(f[17], &s.num_threads) &&
            ParseNumber(f[19], &s.starttime) && ParseNumber(f[20], &s.vsize) &&
            ParseNumber(f[21], &s.rss);
  if (!ok) return LineError(1, "a numeric field does not parse", line);
  return s;
}

Result<ProcPidStatus> ParseProcPidStatus(std::string_view text) {
  if (text.empty()) return internal::EmptyFileError();
  ProcPidStatus out;
  int keyed_lines = 0;
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return LineError(line_no, "no ':'", line);
    std::string_view key = line.substr(0, colon);
    ++keyed_lines;
    std::optional<uint64_t>* field = nullptr;
    if (key == "VmHWM")
      field = &out.VmHWM;
    else if (key == "VmRSS")
      field = &out.VmRSS;
    else if (key == "RssAnon")
      field = &out.RssAnon;
    else if (key == "RssFile")
      field = &out.RssFile;
    else if (key == "RssShmem")
      field = &out.RssShmem;
    else if (key == "VmSwap")
      field = &out.VmSwap;
    else if (key == "Threads")
      field = &out.Threads;
    if (field == nullptr) continue;
    std::string_view tokens[2];
    size_t n = internal::SplitTokens(line.substr(colon + 1), tokens, 2);
    bool unit_ok = key == "Threads" ? n == 1 : (n == 2 && tokens[1] == "kB");
    std::optional<uint64_t> v = n >= 1 ? internal::ParseU64Token(tokens[0]) : std::nullopt;
    if (!unit_ok || !v) return LineError(line_no, "expected '<Key>: <N>[ kB]'", line);
    *field = *v;
  }
  if (keyed_lines == 0) return internal::EmptyFileError();
  return out;
}

Result<ProcDir> ProcDir::Open(std::string_view host_root) {
  ProcDir d;
  std::string root(host_root);
  while (!root.empty() && root.back() == '/') root.pop_back();
  d.proc_root_ = root + "/proc";
  int fd = ::open(d.proc_root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + d.proc_root_, errno);
  d.dir_.Reset(fd);
  return d;
}

Status ProcDir::ReadPidFile(int32_t pid, const char* file, std::string* buf) const {
  char rel[64];  // "<pid>/<file>": pid is at most 7 digits, file names are short
  int len = std::snprintf(rel, sizeof rel, "%d/%s", pid, file);
  if (len < 0 || static_cast<size_t>(len) >= sizeof rel) {
    return InvalidArgumentError("proc file name too long");
  }
  Status s = ReadFileAt(dir_.get(), rel, buf);
  // The message must say which /proc: with a host root there are two.
  return s.WithContext(proc_root_);
}

Result<ProcPidStat> ProcDir::ReadStat(int32_t pid, std::string* buf) const {
  FGM_RETURN_IF_ERROR(ReadPidFile(pid, "stat", buf));
  Result<ProcPidStat> s = ParseProcPidStat(*buf);
  if (!s.ok()) return s.error().WithContext(proc_root_ + "/" + std::to_string(pid) + "/stat");
  return s;
}

Result<ProcPidStatus> ProcDir::ReadStatus(int32_t pid, std::string* buf) const {
  FGM_RETURN_IF_ERROR(ReadPidFile(pid, "status", buf));
  Result<ProcPidStatus> s = ParseProcPidStatus(*buf);
  if (!s.ok()) return s.error().WithContext(proc_root_ + "/" + std::to_string(pid) + "/status");
  return s;
}

Result<ProcPidStatm> ParseProcPidStatm(std::string_view text) {
  ProcPidStatm m;
  uint64_t* const fields[] = {&m.size, &m.resident, &m.shared};
  std::string_view rest = TrimWhitespace(text);
  for (uint64_t* field : fields) {
    const size_t end = rest.find(' ');
    std::optional<uint64_t> v = ParseUint64(rest.substr(0, end));
    if (!v) return InvalidFormatError("statm: expected 'size resident shared ...' page counts");
    *field = *v;
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return m;
}

}  // namespace fgm::collector
