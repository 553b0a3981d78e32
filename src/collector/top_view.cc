// SPDX-License-Identifier: Apache-2.0
// The `fgm top` table (see top_view.h). snprintf-based: g++ 12 has no <format>, and this runs
// once per tick for display only, so clarity matters more than speed here.
#include "collector/top_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <vector>

namespace fgm::collector {
namespace {

// Names never shrink below this, so a narrow terminal still identifies each container.
constexpr int kMinNameWidth = 16;
// Names beyond this are cut: pod names with hash suffixes would otherwise push every number off a
// normal terminal.
constexpr int kMaxNameWidth = 56;

std::string Printf(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string FormatRate(std::optional<double> bytes_per_sec) {
  if (!bytes_per_sec) return "-";
  return FormatBytes(static_cast<uint64_t>(std::llround(std::max(0.0, *bytes_per_sec)))) + "/s";
}

std::string FormatLimitBytes(const std::optional<Limit>& limit) {
  if (!limit) return "-";
  if (limit->unlimited()) return "max";
  return FormatBytes(*limit->value);
}

// PSI stall microseconds per second as a share of wall time.
std::string FormatStall(std::optional<double> usec_per_sec) {
  if (!usec_per_sec) return "-";
  return Printf("%.1f%%", *usec_per_sec / 1e4);
}

// Middle-cut so both the namespace/pod start and the container name end stay visible.
std::string Fit(std::string_view text, size_t width) {
  if (text.size() <= width) return std::string(text);
  if (width < 3) return std::string(text.substr(0, width));
  const size_t head = (width - 1) / 2;
  const size_t tail = width - 1 - head;
  return std::string(text.substr(0, head)) + "~" + std::string(text.substr(text.size() - tail));
}

std::string ContainerName(const k8s::ContainerIdentity& id, const k8s::ContainerMetadata& md,
                          const std::string& relative_path) {
  if (!md.pod_name.empty()) {
    std::string name =
        md.namespace_name.empty() ? md.pod_name : md.namespace_name + "/" + md.pod_name;
    if (!md.container_name.empty()) name += "/" + md.container_name;
    return name;
  }
  if (!md.container_name.empty()) return md.container_name;
  if (!id.container_id.empty()) {
    // Runtime ids are 64 hex characters; 12 is the short form docker and crictl print.
    constexpr size_t kShortId = 12;
    return k8s::IsRuntimeContainerId(id.container_id) ? id.container_id.substr(0, kShortId)
                                                      : id.container_id;
  }
  const size_t slash = relative_path.rfind('/');
  return slash == std::string::npos ? relative_path : relative_path.substr(slash + 1);
}

std::string FormatTime(TimestampNs ns) {
  const time_t secs = static_cast<time_t>(ns / kNanosPerSecond);
  const int64_t millis = (ns % kNanosPerSecond) / kNanosPerMilli;
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[48];
  if (millis != 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return buf;
}

struct Column {
  const char* title;
  int width;
};

// Right-to-left drop order is the reverse of this list.
// Widths fit the widest value each unit helper prints in normal use ("99999m", "1023MiB",
// "1023KiB/s", "100.0%") so that a 120-column terminal still leaves the name ~20 characters.
constexpr Column kColumns[] = {
    {"CPU", 6},     {"LIMIT", 6},   {"THR%", 4},    {"MEM", 7},  {"MLIM", 7},
    {"MEM%", 4},    {"RSS", 7},     {"PSS", 7},     {"PIDS", 5}, {"READ/s", 9},
    {"WRITE/s", 9}, {"CPU-PSI", 7}, {"MEM-PSI", 7},
};
constexpr int kNumColumns = static_cast<int>(sizeof(kColumns) / sizeof(kColumns[0]));

std::vector<std::string> Cells(const ContainerSample& s) {
  const CgroupSnapshot& c = s.snapshot;
  const DerivedMetrics& d = s.derived;
  std::string limit = "-";
  if (c.cpu_max) {
    limit = c.cpu_max->quota_usec.unlimited() ? "max" : FormatMillicores(d.cpu_limit_millicores);
  }
  const std::optional<uint64_t> mem = d.memory_working_set_bytes;
  return {
      FormatMillicores(d.cpu_usage_millicores),
      limit,
      FormatPercent(d.cpu_throttled_ratio),
      mem ? FormatBytes(*mem) : "-",
      FormatLimitBytes(c.memory_max),
      FormatPercent(d.memory_working_set_ratio),
      s.memory ? FormatBytes(s.memory->rss_bytes) : "-",
      s.memory ? FormatBytes(s.memory->pss_bytes) : "-",
      c.pids_current ? std::to_string(*c.pids_current) : "-",
      FormatRate(d.io_read_bytes_per_sec),
      FormatRate(d.io_write_bytes_per_sec),
      FormatStall(d.cpu_pressure_some_usec_per_sec),
      FormatStall(d.memory_pressure_some_usec_per_sec),
  };
}

void AppendPadded(std::string& line, std::string_view cell, int width, bool left) {
  const int pad = std::max(0, width - static_cast<int>(cell.size()));
  if (!left) line.append(static_cast<size_t>(pad), ' ');
  line.append(cell);
  if (left) line.append(static_cast<size_t>(pad), ' ');
}

void AppendLine(std::string& out, std::string line, int width) {
  if (width > 0 && static_cast<int>(line.size()) > width) line.resize(static_cast<size_t>(width));
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line;
  out += '\n';
}

}  // namespace

std::string FormatBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  // One decimal below 10 ("1.5GiB"), none above ("200MiB"): three significant digits at most.
  char buf[32];
  if (value < 9.95) {
    std::snprintf(buf, sizeof buf, "%.1f%s", value, kUnits[unit]);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f%s", value, kUnits[unit]);
  }
  return buf;
}

std::string FormatMillicores(std::optional<double> millicores) {
  if (!millicores) return "-";
  return Printf("%.0fm", std::max(0.0, *millicores));
}

std::string FormatPercent(std::optional<double> ratio) {
  if (!ratio) return "-";
  return Printf("%.0f%%", std::max(0.0, *ratio * 100.0));
}

std::string RenderTopTable(const TickResult& tick, int width) {
  std::string out;
  const MonitorSelfSample& self = tick.self;
  {
    std::string header = "fgm top  " + FormatTime(tick.tick_ns) + "  containers " +
                         std::to_string(tick.samples.size()) + "  fgm cpu " +
                         FormatMillicores(self.cpu_millicores) + " rss " +
                         FormatBytes(self.rss_bytes) + "  tick " +
                         Printf("%.1fms", static_cast<double>(self.tick_duration_us) / 1000.0);
    if (self.skipped_ticks > 0) header += "  skipped " + std::to_string(self.skipped_ticks);
    if (self.read_errors > 0) header += "  read errors " + std::to_string(self.read_errors);
    AppendLine(out, std::move(header), width);
  }

  // Drop columns from the right until the name keeps its minimum.
  int columns = kNumColumns;
  int used = 0;
  for (int i = 0; i < columns; ++i) used += 1 + kColumns[i].width;
  while (columns > 0 && used + kMinNameWidth > width) {
    --columns;
    used -= 1 + kColumns[columns].width;
  }
  const int name_width = std::clamp(width - used, kMinNameWidth, kMaxNameWidth);

  std::string line;
  AppendPadded(line, "CONTAINER", name_width, true);
  for (int i = 0; i < columns; ++i) {
    line += ' ';
    AppendPadded(line, kColumns[i].title, kColumns[i].width, false);
  }
  AppendLine(out, std::move(line), width);

  // Highest CPU first; containers without a CPU value yet (first tick) last, by name.
  std::vector<const ContainerSample*> order;
  order.reserve(tick.samples.size());
  for (const ContainerSample& s : tick.samples) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(),
                   [](const ContainerSample* a, const ContainerSample* b) {
                     const std::optional<double>& ca = a->derived.cpu_usage_millicores;
                     const std::optional<double>& cb = b->derived.cpu_usage_millicores;
                     if (ca.has_value() != cb.has_value()) return ca.has_value();
                     if (ca && *ca != *cb) return *ca > *cb;
                     return a->relative_path < b->relative_path;
                   });

  for (const ContainerSample* s : order) {
    line.clear();
    AppendPadded(line,
                 Fit(ContainerName(s->identity, s->metadata, s->relative_path),
                     static_cast<size_t>(name_width)),
                 name_width, true);
    std::vector<std::string> cells = Cells(*s);
    for (int i = 0; i < columns; ++i) {
      line += ' ';
      AppendPadded(line, Fit(cells[static_cast<size_t>(i)], static_cast<size_t>(kColumns[i].width)),
                   kColumns[i].width, false);
    }
    AppendLine(out, std::move(line), width);
  }

  for (const ContainerEvent& e : tick.events) {
    std::string text = "event " + std::string(EventTypeName(e.type)) + " " +
                       ContainerName(e.identity, e.metadata, e.relative_path);
    if (e.type == EventType::kOomKill) text += " x" + std::to_string(e.count);
    if (!e.message.empty()) text += " (" + e.message + ")";
    AppendLine(out, std::move(text), width);
  }
  return out;
}

}  // namespace fgm::collector
