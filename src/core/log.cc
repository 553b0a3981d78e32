// SPDX-License-Identifier: Apache-2.0
#include "core/log.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>
#include <unordered_set>

namespace fgm {
namespace {

std::atomic<int> g_min_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_mutex;
std::function<void(LogLevel, const std::string&)>* g_sink = nullptr;

// Beyond this many distinct keys FirstTimeSeen says "seen" for new keys: a flood of unique errors
// (e.g. one per vanished container id) must not become a memory leak.
constexpr size_t kMaxOnceKeys = 4096;

const char* Basename(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

char LevelChar(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return 'D';
    case LogLevel::kInfo: return 'I';
    case LogLevel::kWarning: return 'W';
    case LogLevel::kError: return 'E';
  }
  return '?';
}

}  // namespace

void SetMinLogLevel(LogLevel level) { g_min_level = static_cast<int>(level); }
LogLevel MinLogLevel() { return static_cast<LogLevel>(g_min_level.load()); }

bool ParseLogLevel(std::string_view text, LogLevel* out) {
  if (text == "debug") *out = LogLevel::kDebug;
  else if (text == "info") *out = LogLevel::kInfo;
  else if (text == "warning" || text == "warn") *out = LogLevel::kWarning;
  else if (text == "error") *out = LogLevel::kError;
  else return false;
  return true;
}

void SetLogSinkForTesting(std::function<void(LogLevel, const std::string&)> sink) {
  std::lock_guard<std::mutex> lock(g_mutex);
  delete g_sink;
  g_sink = sink ? new std::function<void(LogLevel, const std::string&)>(std::move(sink)) : nullptr;
}

void LogMessage(LogLevel level, const char* file, int line, const char* format, ...) {
  char body[2048];
  va_list args;
  va_start(args, format);
  std::vsnprintf(body, sizeof body, format, args);
  va_end(args);

  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  gmtime_r(&ts.tv_sec, &utc);
  char stamp[96];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                ts.tv_nsec / 1000000);

  std::string text = std::string(stamp) + " " + LevelChar(level) + " " + Basename(file) + ":" +
                     std::to_string(line) + "] " + body;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_sink) {
    (*g_sink)(level, text);
    return;
  }
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stderr);
}

bool FirstTimeSeen(std::string_view key) {
  static std::mutex mutex;
  static std::unordered_set<std::string> seen;
  std::lock_guard<std::mutex> lock(mutex);
  if (seen.size() >= kMaxOnceKeys) return false;
  return seen.emplace(key).second;
}

}  // namespace fgm
