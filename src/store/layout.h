// SPDX-License-Identifier: Apache-2.0
// Where things live in an FGM dataset directory:
//   <root>/session.json                          the latest monitor run (config, host, version)
//   <root>/.fgm/sessions/<run_id>.json           every run's session
//   <root>/.fgm/journal/<run_id>-<seq>.wal                write-ahead journals of open segments
//   <root>/dt=YYYY-MM-DD/identifier=<id>/seg-<start>-<run_id>-<seq>.parquet   ~1 min segments
//   <root>/dt=YYYY-MM-DD/identifier=<id>/metrics-<YYYYMMDDTHH>-<stamp>.parquet   hourly compactions
//   <root>/dt=YYYY-MM-DD/identifier=<id>/events-seg-<start>-<run_id>-<seq>.parquet   lifecycle
//   <root>/dt=YYYY-MM-DD/identifier=<id>/events-<YYYYMMDDTHH>-<stamp>.parquet        event rows
// Event files (rows of kind 'event') have the same schema as metric files, so one glob
// `**/*.parquet` reads both without union_by_name, and a query for events reads only tiny files.
// Dates and hours are UTC. Temporary files end in ".tmp" (never "*.parquet") so globs and readers
// never see a half-written file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fgm::store {

/// "2026-11-25" for a time in ms since the epoch (UTC).
std::string UtcDate(int64_t time_ms);
/// "20261125T134500Z".
std::string UtcCompactTimestamp(int64_t time_ms);

/// Makes a Hive partition value safe as a directory name: keeps [A-Za-z0-9._-], maps the rest
/// to '_', and never returns "" or a dot-only name.
std::string SanitizePartitionValue(std::string_view value);

std::string PartitionDir(const std::string& root, int64_t time_ms, std::string_view identifier);
std::string JournalDir(const std::string& root);
std::string SessionsDir(const std::string& root);
std::string JournalPath(const std::string& root, std::string_view run_id, uint64_t seq);
std::string SegmentFileName(int64_t start_ms, std::string_view run_id, uint64_t seq);
std::string HourlyFileName(int64_t hour_start_ms, int64_t stamp_ms);
/// The event-row counterparts of SegmentFileName and HourlyFileName.
std::string EventSegmentFileName(int64_t start_ms, std::string_view run_id, uint64_t seq);
std::string EventHourlyFileName(int64_t hour_start_ms, int64_t stamp_ms);

struct DataFileName {
  enum class Kind { kSegment, kHourly } kind = Kind::kSegment;
  int64_t start_ms = 0;  // segment start, or the hour's start
  /// An event file (events-*): compacted only with other event files.
  bool events = false;
};
/// Parses a data file's base name; nullopt for anything that is not one of ours.
std::optional<DataFileName> ParseDataFileName(std::string_view base_name);

/// Footer key-value metadata keys written on every data file.
inline constexpr std::string_view kKvSchemaVersion = "fgm.schema_version";
inline constexpr std::string_view kKvRunId = "fgm.run_id";
inline constexpr std::string_view kKvIdentifier = "fgm.identifier";
inline constexpr std::string_view kKvMinTimeMs = "fgm.min_time_ms";
inline constexpr std::string_view kKvMaxTimeMs = "fgm.max_time_ms";
/// On a compacted file: JSON array of the base names of the files it replaces (same directory).
/// Readers ignore those files if they still exist; the writer deletes them after the rename.
inline constexpr std::string_view kKvReplaces = "fgm.replaces";

}  // namespace fgm::store
