// SPDX-License-Identifier: Apache-2.0
// Minimal, dependency-free logging (the engine compiles to WASM, so no spdlog here). Lines go to
// stderr as "2026-11-25T13:45:01.123Z W collector.cc:88] message". Thread-safe.
//
//   FGM_LOG(kWarning, "cannot read %s: %s", path.c_str(), status.ToString().c_str());
//   FGM_LOG_ONCE(kWarning, key, ...)   // at most once per distinct key for the process lifetime
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace fgm {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void SetMinLogLevel(LogLevel level);
LogLevel MinLogLevel();
/// Parses "debug|info|warning|error" (also "warn").
bool ParseLogLevel(std::string_view text, LogLevel* out);

/// Replaces the sink (default: stderr) — tests capture lines with it. Pass nullptr to restore.
void SetLogSinkForTesting(std::function<void(LogLevel, const std::string&)> sink);

void LogMessage(LogLevel level, const char* file, int line, const char* format, ...)
    __attribute__((format(printf, 4, 5)));

/// Returns true the first time `key` is seen (process-wide, thread-safe). Used to log each distinct
/// error once instead of every tick; the set is capped so a flood of distinct keys cannot grow memory
/// without bound.
bool FirstTimeSeen(std::string_view key);

}  // namespace fgm

#define FGM_LOG(level, ...)                                                 \
  do {                                                                      \
    if (::fgm::LogLevel::level >= ::fgm::MinLogLevel())                     \
      ::fgm::LogMessage(::fgm::LogLevel::level, __FILE__, __LINE__, __VA_ARGS__); \
  } while (0)

#define FGM_LOG_ONCE(level, key, ...)                    \
  do {                                                   \
    if (::fgm::FirstTimeSeen(key)) FGM_LOG(level, __VA_ARGS__); \
  } while (0)
