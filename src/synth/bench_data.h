// SPDX-License-Identifier: Apache-2.0
// Synthetic but realistic FGM datasets for benchmarks, demos and viewer tests, written through the
// same DatasetWriter as the monitor (so files, partitions, compaction and metadata are the real
// thing). Scenarios:
//   realistic  20 containers in 8 pods (default): idle sidecars, busy services with diurnal load,
//              periodic jobs (15 s / 60 s / 300 s), a memory leak that OOM-kills and restarts, a
//              CPU-throttled service, a crash-looping container, and occasional churn.
//   stress     200 containers (default) with the same behaviours mixed, 5x the churn.
// Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace fgm::synth {

struct BenchDataOptions {
  std::string output_dir;
  std::string scenario = "realistic";  // realistic | stress
  int64_t duration_ns = 3600 * kNanosPerSecond;
  int containers = 0;  // 0: the scenario's default
  /// First tick; default: the current UTC day's 00:00 minus the duration, so data ends "now-ish".
  TimestampNs start_ns = 0;
  uint64_t seed = 42;
  std::string node_name = "bench-node";
  /// Progress callback: fraction done 0..1 (called at most ~1000 times).
  std::function<void(double)> progress;
};

/// Aggregates computed from the samples as they were generated (before any file was written), so
/// tests can check what DuckDB computes from the files against the source of truth.
struct ContainerAggregate {
  double cpu_millicores_sum = 0;  // over container rows that have cpu_usage_millicores
  uint64_t cpu_millicores_count = 0;
  double throttled_usec_sum = 0;  // sum of cpu_throttled_usec_per_sec (1 s ticks)
};

struct BenchDataSummary {
  std::map<std::string, ContainerAggregate> by_container_name;
  std::map<std::string, uint64_t> peak_memory_by_pod;  // max memory_usage_bytes
  uint64_t rows = 0;
  uint64_t container_rows = 0;
  uint64_t numeric_values = 0;  // non-null numeric cells of container rows
  uint64_t events = 0;
  int containers = 0;
  uint64_t bytes_on_disk = 0;
  int files = 0;
};

/// Writes the dataset. kInvalidArgument for an unknown scenario or a bad duration.
Result<BenchDataSummary> GenerateBenchData(const BenchDataOptions& options);

/// The summary as JSON (aggregates included).
std::string SummaryJson(const BenchDataSummary& summary);

}  // namespace fgm::synth
