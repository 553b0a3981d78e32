// SPDX-License-Identifier: Apache-2.0
// Memory of the dataset writer alone, without cgroups: N containers of ~100 set columns each
// (more than a real container row, which sets ~75), one row per container per simulated second,
// through DatasetWriter with a fake clock, the worker left to keep up as in real time. Prints
// VmRSS/VmHWM and malloc's view after each segment, after Close(), and after compacting the hour,
// with the process's user+sys CPU seconds and the bytes of the dataset's Parquet files at both
// points (the machine is shared: CPU seconds, not wall time, compare runs).
// A whole-process tool (bench/CMakeLists.txt); docs/benchmarks.md, "Monitor memory", has the
// commands.
//   dataset_writer_memory N SECONDS DIR COMPACT(0|1)
#include <malloc.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/testing/fake_clock.h"
#include "store/catalog.h"
#include "store/dataset_writer.h"

namespace {

using namespace fgm;
using namespace fgm::store;

long StatusKib(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(strlen(key)));
  }
  return -1;
}

void SetContainerRow(int c, TimestampNs now, std::mt19937_64& rng, std::vector<int64_t>& counters,
                     Row* row) {
  row->Clear();
  row->SetTime(now);
  row->SetString(Col("kind"), "container");
  row->SetString(Col("node_name"), "node-1");
  row->SetString(Col("namespace"), "ns-" + std::to_string(c % 20));
  row->SetString(Col("pod_name"), "pod-" + std::to_string(c));
  row->SetString(Col("pod_uid"), "0000aaaa-bbbb-cccc-dddd-" + std::to_string(100000000000 + c));
  row->SetString(Col("container_name"), "app");
  char id[65];
  snprintf(id, sizeof id, "%064d", c);
  row->SetString(Col("container_id"), id);
  row->SetString(Col("qos_class"), "burstable");
  row->SetString(Col("runtime"), "containerd");
  row->SetString(Col("cgroup_path"),
                 "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" +
                     std::to_string(c) + ".slice/cri-containerd-" + id + ".scope");
  row->SetInt(Col("cgroup_inode"), 1000 + c);
  auto set = [&](int k) {
    const ColumnDef& d = kCatalog[k];
    if (d.type == parquet::PhysicalType::kInt64) {
      // Counters grow, gauges wander: realistic deltas for the encoders.
      counters[k] = d.kind == ColumnKind::kCounter
                        ? counters[k] + static_cast<int64_t>(rng() % 1000)
                        : 1000000 + static_cast<int64_t>(rng() % 100000);
      row->SetInt(k, counters[k]);
    } else if (d.type == parquet::PhysicalType::kDouble) {
      row->SetDouble(k, static_cast<double>(rng() % 100000) / 100.0);
    }
  };
  for (int k = Col("read_latency_us"); k < Col("device"); ++k) {
    // About one gauge in eight is absent (v1/v2 differences, PSS not taken every tick).
    if (rng() % 8 == 0 && kCatalog[k].kind != ColumnKind::kCounter) continue;
    set(k);
  }
  for (int k = Col("cpu_pressure_some_usec"); k < Col("process_pid"); ++k) set(k);
}

// User + system CPU seconds of the whole process so far (the worker thread included).
double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Bytes and count of the Parquet files under `root`.
std::pair<uint64_t, int> ParquetBytes(const std::string& root) {
  uint64_t bytes = 0;
  int files = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") {
      bytes += e.file_size();
      ++files;
    }
  }
  return {bytes, files};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s N SECONDS DIR COMPACT(0|1)\n", argv[0]);
    return 2;
  }
  const int n = atoi(argv[1]);
  const int seconds = atoi(argv[2]);
  const std::string root = argv[3];
  const bool compact = atoi(argv[4]) != 0;
  std::filesystem::remove_all(root);
  // An hour boundary, so a run shorter than an hour stays in one hour.
  TimestampNs start = TimestampNs{1764000000} * kNanosPerSecond;
  start -= start % (3600 * kNanosPerSecond);
  testing::FakeClock clock(start);
  DatasetOptions o;
  o.root = root;
  o.identifier = "node";
  o.run_id = "abcdefgh";
  o.clock = &clock;
  auto writer = DatasetWriter::Open(o);
  if (!writer.ok()) {
    fprintf(stderr, "%s\n", writer.error().ToString().c_str());
    return 1;
  }
  DatasetWriter& w = **writer;
  std::mt19937_64 rng(1);
  std::vector<std::vector<int64_t>> counters(n, std::vector<int64_t>(kNumColumns, 0));
  Row row;
  uint64_t segments = 0;
  for (int t = 0; t < seconds; ++t) {
    const TimestampNs now = start + TimestampNs{t} * kNanosPerSecond;
    clock.SetWallNs(now);
    for (int c = 0; c < n; ++c) {
      SetContainerRow(c, now, rng, counters[c], &row);
      w.Append(row);
    }
    w.Poll();
    // Real time gives the worker a second per tick: wait while it is more than two segments
    // behind instead of letting the queue drop rows.
    while (w.stats().rows_written + 2 * o.segment_max_rows < w.stats().rows_appended) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const DatasetStats st = w.stats();
    if (st.segments_written != segments) {
      segments = st.segments_written;
      const struct mallinfo2 mi = mallinfo2();
      printf("t=%d segments=%lu VmRSS=%ld VmHWM=%ld KiB, malloc arenas %zu MiB, in use %zu MiB\n",
             t, static_cast<unsigned long>(segments), StatusKib("VmRSS:"), StatusKib("VmHWM:"),
             mi.arena >> 20, mi.uordblks >> 20);
      fflush(stdout);
    }
  }
  Status closed = w.Close(60 * kNanosPerSecond);
  auto [bytes, files] = ParquetBytes(root);
  const double cpu_closed = CpuSeconds();
  printf("close: %s VmRSS=%ld VmHWM=%ld KiB cpu=%.2f s, %d files %lu bytes\n",
         closed.ToString().c_str(), StatusKib("VmRSS:"), StatusKib("VmHWM:"), cpu_closed, files,
         static_cast<unsigned long>(bytes));
  if (compact) {
    clock.SetWallNs(start + TimestampNs{seconds + 7200} * kNanosPerSecond);
    Status c = w.CompactAndRetainNow(/*include_open_hours=*/true);
    auto [compacted_bytes, compacted_files] = ParquetBytes(root);
    printf("compact: %s VmRSS=%ld VmHWM=%ld KiB cpu=%.2f s, %d files %lu bytes\n",
           c.ToString().c_str(), StatusKib("VmRSS:"), StatusKib("VmHWM:"),
           CpuSeconds() - cpu_closed, compacted_files, static_cast<unsigned long>(compacted_bytes));
  }
  return 0;
}
