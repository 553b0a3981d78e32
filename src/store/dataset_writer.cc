// SPDX-License-Identifier: Apache-2.0
#include "store/dataset_writer.h"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <tuple>

#include "core/file.h"
#include "core/log.h"
#include "core/strings.h"
#include "parquet/reader/file_reader.h"
#include "parquet/writer/file_writer.h"
#include "store/catalog.h"
#include "store/layout.h"

namespace fgm::store {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kHourMs = 3600 * 1000;
// Compacted files: row groups of up to 128 Ki rows spanning containers (rows stay sorted by
// container then time), so the footer holds a few row groups per hour instead of one per container
// instance (~70 bytes x ~110 columns each); pages of 16 Ki rows with a page index let a reader skip
// the containers it does not want inside a row group.
constexpr int64_t kCompactedRowGroupRows = 128 * 1024;
constexpr int64_t kCompactedPageRows = 16 * 1024;
// Segment pages: 256 rows (~4 containers of a minute at 1 Hz) keep page-index skipping useful for
// one-container queries while a page still holds enough values for its header and zstd frame to be
// small next to its data (docs/benchmarks.md, "Monitor memory", 2026-11-26).
constexpr int64_t kSegmentPageRows = 256;
// Far above segment_max_rows (16,384), so a segment is one row group; still a bound, so a huge
// recovered journal cannot make one unbounded row group.
constexpr int64_t kSegmentRowGroupRows = int64_t{1} << 20;
// Rows handed to the segment writer per WriteBatch: bounds the column copy made from the row
// buffer (1,024 rows x ~1 KiB) instead of copying the whole segment, and is how often a write
// checks for cancellation at shutdown.
constexpr size_t kSegmentSliceRows = 1024;
constexpr int kContainerIdCol = Col("container_id");
constexpr int kInodeCol = Col("cgroup_inode");
constexpr int kPathCol = Col("cgroup_path");

// A file sink that gathers the writer's many small writes (a page header, a page, a column
// chunk's index: a segment with one row group per container makes ~115 column chunks per
// container) into 1 MiB writes. Unbuffered, write(2) was 15% of the monitor's CPU at 1,000
// containers (perf, docs/benchmarks.md).
class BufferedFileSink final : public parquet::OutputSink {
 public:
  static Result<std::unique_ptr<parquet::OutputSink>> Create(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("create " + path, errno);
    return std::unique_ptr<parquet::OutputSink>(new BufferedFileSink(ScopedFd(fd)));
  }
  Status Write(std::string_view data) override {
    if (buffer_.size() + data.size() > kBufferBytes) FGM_RETURN_IF_ERROR(Flush());
    if (data.size() >= kBufferBytes) {
      FGM_RETURN_IF_ERROR(WriteAll(fd_.get(), data));
    } else {
      buffer_.append(data);
    }
    offset_ += static_cast<int64_t>(data.size());
    return OkStatus();
  }
  int64_t Tell() const override { return offset_; }
  Status Close(bool sync) override {
    if (!fd_.valid()) return OkStatus();
    FGM_RETURN_IF_ERROR(Flush());
    if (sync && ::fsync(fd_.get()) != 0) return ErrnoError("fsync", errno);
    if (::close(fd_.release()) != 0) return ErrnoError("close", errno);
    return OkStatus();
  }

 private:
  // 1 MiB: large enough that syscalls vanish from the profile, small next to a segment buffer.
  static constexpr size_t kBufferBytes = 1 << 20;
  explicit BufferedFileSink(ScopedFd fd) : fd_(std::move(fd)) { buffer_.reserve(kBufferBytes); }
  Status Flush() {
    if (buffer_.empty()) return OkStatus();
    Status s = WriteAll(fd_.get(), buffer_);
    buffer_.clear();
    return s;
  }
  ScopedFd fd_;
  std::string buffer_;
  int64_t offset_ = 0;
};

Result<std::unique_ptr<parquet::FileWriter>> OpenDataFileWriter(const std::string& path,
                                                                parquet::WriterOptions options) {
  FGM_ASSIGN_OR_RETURN(auto sink, BufferedFileSink::Create(path));
  auto writer = parquet::FileWriter::Open(std::move(sink), DatasetSchema(), std::move(options));
  if (!writer.ok()) return writer.error().WithContext(path);
  return writer;
}

// Lists regular files in `dir` (base names), ignoring errors (a vanished directory lists nothing).
std::vector<std::string> ListFiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) out.push_back(it->path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Partition directories (<root>/dt=*/identifier=*).
std::vector<std::string> ListPartitions(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator d(root, ec), end; !ec && d != end; d.increment(ec)) {
    std::string name = d->path().filename().string();
    if (!StartsWith(name, "dt=") || !d->is_directory(ec)) continue;
    std::error_code ec2;
    for (fs::directory_iterator p(d->path(), ec2); !ec2 && p != end; p.increment(ec2)) {
      if (StartsWith(p->path().filename().string(), "identifier=")) {
        out.push_back(p->path().string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",";
    out += "\"" + items[i] + "\"";  // our file names contain no quotes or backslashes
  }
  return out + "]";
}

std::vector<std::string> ParseJsonStringArray(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = s.find('"', i)) != std::string_view::npos) {
    size_t j = s.find('"', i + 1);
    if (j == std::string_view::npos) break;
    out.emplace_back(s.substr(i + 1, j - i - 1));
    i = j + 1;
  }
  return out;
}

parquet::WriterOptions DataFileWriterOptions(int zstd_level) {
  parquet::WriterOptions w;
  w.codec = parquet::CompressionCodec::kZstd;
  w.compression_level = zstd_level;
  w.created_by = "fgm";
  // Footer bytes are paid once per column chunk of ~110 columns (and old segments had a row group
  // per container): skip what no current reader needs (DuckDB, Arrow, hyparquet, Spark 3 read
  // min_value/max_value).
  w.write_legacy_min_max = false;
  w.write_encoding_stats = false;
  return w;
}

// Segments live about an hour before compaction rewrites them: write them cheaply (ZSTD-1, no
// encoding trials: they cost more than a minute's data is worth). All of a segment's rows (sorted
// by container, instance, time) go into one row group: per-chunk costs (a page, a zstd frame,
// statistics, ~1 KiB of parsed footer per chunk in every reader) are paid ~115 times per segment
// instead of ~115 times per container. Small pages with a page index let a reader skip the
// containers it does not want inside the row group.
parquet::WriterOptions SegmentWriterOptions() {
  parquet::WriterOptions w = DataFileWriterOptions(1);
  w.analyze_encodings = false;
  w.max_row_group_rows = kSegmentRowGroupRows;
  w.max_page_rows = kSegmentPageRows;
  return w;
}

parquet::WriterOptions CompactedWriterOptions(int zstd_level) {
  parquet::WriterOptions w = DataFileWriterOptions(zstd_level);
  w.max_row_group_rows = kCompactedRowGroupRows;
  w.max_page_rows = kCompactedPageRows;
  return w;
}

void AddCommonKv(parquet::FileWriter* writer, std::string_view run_id, std::string_view identifier,
                 int64_t min_ms, int64_t max_ms) {
  writer->AddKeyValue(std::string(kKvSchemaVersion), "1");
  writer->AddKeyValue(std::string(kKvRunId), std::string(run_id));
  writer->AddKeyValue(std::string(kKvIdentifier), std::string(identifier));
  writer->AddKeyValue(std::string(kKvMinTimeMs), std::to_string(min_ms));
  writer->AddKeyValue(std::string(kKvMaxTimeMs), std::to_string(max_ms));
}

constexpr int kKindCol = Col("kind");

// Which rows of a segment go into one file: lifecycle events live in their own files (same
// schema), so metric files hold only samples and an event query reads a few tiny files.
enum class RowSelection { kMetrics, kEvents };

struct SelectedRows {
  std::vector<uint32_t> order;  // sorted by container then time
  int64_t min_ms = INT64_MAX;
  int64_t max_ms = INT64_MIN;
  bool empty() const { return order.empty(); }
};

// A segment's metric rows and event rows, each in sorted order. One sort serves both: sorting is
// the writer thread's largest step before encoding (15-25% of it at 1,000 containers, perf in
// docs/benchmarks.md), and sorting once per selection did it twice.
struct SegmentSelection {
  SelectedRows metrics;
  SelectedRows events;
  const SelectedRows& of(RowSelection which) const {
    return which == RowSelection::kEvents ? events : metrics;
  }
};

SegmentSelection SelectRows(const RowBuffer& rows) {
  std::vector<uint32_t> order;
  std::vector<RowBuffer::Group> groups;
  rows.SortedOrder(&order, &groups);
  SegmentSelection out;
  out.metrics.order.reserve(order.size());
  for (uint32_t r : order) {
    SelectedRows& to = rows.StringAt(kKindCol, r) == "event" ? out.events : out.metrics;
    to.order.push_back(r);
    to.min_ms = std::min(to.min_ms, rows.TimeMs(r));
    to.max_ms = std::max(to.max_ms, rows.TimeMs(r));
  }
  return out;
}

// Writes the selected rows of a segment to `final_path` via a temporary file and an atomic rename.
Status WriteRowsFile(const RowBuffer& rows, const SelectedRows& selected,
                     const std::string& final_path, std::string_view run_id,
                     std::string_view identifier, const std::atomic<bool>* cancel) {
  std::string tmp = final_path + ".tmp";
  auto writer = OpenDataFileWriter(tmp, SegmentWriterOptions());
  if (!writer.ok()) return writer.error();
  Status status;
  for (size_t begin = 0; begin < selected.order.size(); begin += kSegmentSliceRows) {
    if (cancel && cancel->load()) {
      status = CancelledError("segment write abandoned at shutdown (its journal remains)");
      break;
    }
    size_t end = std::min(selected.order.size(), begin + kSegmentSliceRows);
    std::vector<parquet::ColumnBatch> batches = rows.Batches(selected.order, begin, end);
    status = (*writer)->WriteBatch(batches);
    if (!status.ok()) break;
  }
  if (status.ok()) {
    AddCommonKv(writer->get(), run_id, identifier, selected.min_ms, selected.max_ms);
    status = (*writer)->Close(/*sync=*/true);
  }
  if (status.ok() && ::rename(tmp.c_str(), final_path.c_str()) != 0) {
    status = ErrnoError("rename " + tmp, errno);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status.WithContext(final_path);
  }
  return OkStatus();
}

// Splits rows by UTC date (a segment never straddles an hour, but a recovered journal might);
// callers avoid the copy when everything is one date.
std::map<std::string, RowBuffer> SplitByDate(const RowBuffer& rows) {
  std::map<std::string, RowBuffer> out;
  Row row;
  for (size_t i = 0; i < rows.size(); ++i) {
    rows.GetRow(i, &row);
    out[UtcDate(rows.TimeMs(i))].Append(row);
  }
  return out;
}

// Log-once key of an error: its category and cause without the path (the path changes with every
// segment; "No space left on device" should still be reported once).
std::string ErrorKey(std::string_view category, const Status& s) {
  const std::string& m = s.message();
  size_t colon = m.rfind(": ");
  return std::string(category) + ":" + std::string(StatusCodeName(s.code())) + ":" +
         (colon == std::string::npos ? m : m.substr(colon + 2));
}

uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

std::vector<std::string> ReplacedFiles(const std::string& parquet_path) {
  auto reader = parquet::FileReader::OpenFile(parquet_path);
  if (!reader.ok()) return {};
  for (const parquet::KeyValue& kv : (*reader)->metadata().key_value_metadata) {
    if (kv.key == kKvReplaces && kv.value) return ParseJsonStringArray(*kv.value);
  }
  return {};
}

DatasetWriter::DatasetWriter(DatasetOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? options_.clock : &RealClock()),
      current_(std::make_shared<RowBuffer>()) {}

Result<std::unique_ptr<DatasetWriter>> DatasetWriter::Open(DatasetOptions options) {
  if (options.root.empty()) return InvalidArgumentError("dataset root is empty");
  if (options.run_id.empty()) return InvalidArgumentError("run id is empty");
  if (options.segment_interval_ns <= 0 ||
      (3600 * kNanosPerSecond) % options.segment_interval_ns != 0) {
    return InvalidArgumentError("segment interval must divide one hour");
  }
  if (options.flush_interval_ns <= 0) return InvalidArgumentError("flush interval must be > 0");
  if (options.journal_sync_interval_ns <= 0) {
    return InvalidArgumentError("journal sync interval must be > 0");
  }
  std::unique_ptr<DatasetWriter> w(new DatasetWriter(std::move(options)));
  FGM_RETURN_IF_ERROR(MakeDirs(w->options_.root));
  FGM_RETURN_IF_ERROR(MakeDirs(JournalDir(w->options_.root)));
  FGM_RETURN_IF_ERROR(w->Recover());
  TimestampNs now = w->clock_->WallNs();
  w->segment_deadline_ns_ = NextAlignedTick(now, w->options_.segment_interval_ns);
  // The first Poll flushes: a monitor restarted after a crash has its first tick on disk at
  // once, not one flush interval later (a run killed within that interval would leave nothing).
  w->next_flush_ns_ = now;
  w->next_sync_ns_ = NextAlignedTick(now, w->options_.journal_sync_interval_ns);
  w->worker_ = std::thread([p = w.get()] { p->WorkerLoop(); });
  return w;
}

DatasetWriter::~DatasetWriter() {
  if (worker_.joinable()) Close().IgnoreError();
}

Status DatasetWriter::Recover() {
  const std::string& root = options_.root;
  // 1. Stale temporaries from a crash mid-write: never complete, never referenced.
  for (const std::string& dir : ListPartitions(root)) {
    for (const std::string& f : ListFiles(dir)) {
      if (EndsWith(f, ".tmp")) ::unlink((dir + "/" + f).c_str());
    }
  }
  // 2. Interrupted compactions: the hourly file is complete (it was renamed), so the files it
  // replaces are redundant.
  for (const std::string& dir : ListPartitions(root)) {
    for (const std::string& f : ListFiles(dir)) {
      auto parsed = ParseDataFileName(f);
      if (!parsed || parsed->kind == DataFileName::Kind::kSegment) continue;
      for (const std::string& replaced : ReplacedFiles(dir + "/" + f)) {
        if (replaced != f && replaced.find('/') == std::string::npos) {
          ::unlink((dir + "/" + replaced).c_str());
        }
      }
    }
  }
  // 3. Journals: rows that never became a segment. Writing the segment under the journal's own
  // (run, seq) name is idempotent, so a crash during recovery just repeats it.
  for (const std::string& f : ListFiles(JournalDir(root))) {
    std::string path = JournalDir(root) + "/" + f;
    if (EndsWith(f, ".tmp")) {
      ::unlink(path.c_str());
      continue;
    }
    if (!EndsWith(f, ".wal")) continue;
    auto contents = ReadJournal(path);
    if (!contents.ok()) {
      FGM_LOG(kWarning, "journal %s is unreadable (%s); moved aside as .corrupt", path.c_str(),
              contents.error().ToString().c_str());
      ::rename(path.c_str(), (path + ".corrupt").c_str());
      continue;
    }
    std::string stem = f.substr(0, f.size() - 4);  // <run>-<seq>
    size_t dash = stem.rfind('-');
    PendingSegment seg;
    seg.run_id = dash == std::string::npos ? stem : stem.substr(0, dash);
    seg.seq = dash == std::string::npos ? 0 : ParseUint64(stem.substr(dash + 1)).value_or(0);
    seg.identifier = contents->identifier;
    seg.rows = std::make_shared<RowBuffer>(std::move(contents->rows));
    seg.journal_path = path;
    size_t n = seg.rows->size();
    if (n == 0) {
      ::unlink(path.c_str());
      continue;
    }
    FGM_RETURN_IF_ERROR(WriteSegment(seg));
    ++stats_.journals_recovered;
    stats_.rows_recovered += n;
    FGM_LOG(kInfo, "recovered %zu rows from journal %s%s", n, path.c_str(),
            contents->truncated_tail ? " (torn tail dropped)" : "");
  }
  return OkStatus();
}

void DatasetWriter::Append(const Row& row) {
  // Segments are cut by the rows' own time, so a segment never straddles its window (and so never
  // an hour or a day) however late Poll() runs.
  TimestampNs row_ns = row.GetInt(Col("time")) * kNanosPerMilli;
  if (row_ns >= segment_deadline_ns_ && !current_->empty()) {
    FlushJournal().IgnoreError();
    HandOffSegment();
  }
  if (row_ns >= segment_deadline_ns_) {
    segment_deadline_ns_ = NextAlignedTick(row_ns, options_.segment_interval_ns);
  }
  if (current_->memory_bytes() >= options_.segment_max_bytes && !current_->empty()) {
    FlushJournal().IgnoreError();
    HandOffSegment();
  }
  current_->Append(row);
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.rows_appended;
}

Status DatasetWriter::SyncJournal() {
  FGM_RETURN_IF_ERROR(FlushJournal(/*sync=*/true));
  // An earlier segment whose journal could not be written (full disk) is still only in memory.
  std::lock_guard<std::mutex> lock(mutex_);
  for (const PendingSegment& seg : queue_) {
    if (seg.journal_path.empty()) {
      return IoError("an earlier segment's rows are only in memory until it can be written");
    }
  }
  return OkStatus();
}

Status DatasetWriter::FlushJournal(bool sync) {
  if (journaled_rows_ < current_->size()) FGM_RETURN_IF_ERROR(AppendToJournal());
  if (!sync || !journal_) return OkStatus();
  // Rows already written are not appended again if only the sync fails: the next sync covers
  // them.
  Status synced = journal_->Sync();
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.journal_syncs;
  if (!synced.ok()) {
    FGM_LOG_ONCE(kWarning, ErrorKey("journal-sync", synced),
                 "cannot sync journal: %s (will retry; rows stay in memory)",
                 synced.ToString().c_str());
    ++stats_.write_errors;
  }
  return synced;
}

Status DatasetWriter::AppendToJournal() {
  if (!journal_) {
    auto created = JournalWriter::Create(JournalPath(options_.root, options_.run_id, seq_),
                                         options_.identifier);
    if (!created.ok()) {
      FGM_LOG_ONCE(kWarning, ErrorKey("journal-create", created.error()),
                   "cannot create journal: %s (will retry; rows stay in memory)",
                   created.error().ToString().c_str());
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.write_errors;
      return created.error();
    }
    journal_.emplace(std::move(*created));
  }
  Status s = journal_->Append(*current_, journaled_rows_, current_->size());
  std::lock_guard<std::mutex> lock(mutex_);
  if (!s.ok()) {
    FGM_LOG_ONCE(kWarning, ErrorKey("journal-append", s),
                 "cannot append to journal: %s (will retry; rows stay in memory)",
                 s.ToString().c_str());
    ++stats_.write_errors;
    return s;
  }
  stats_.rows_journaled += current_->size() - journaled_rows_;
  journaled_rows_ = current_->size();
  return OkStatus();
}

void DatasetWriter::HandOffSegment() {
  if (current_->empty()) return;
  PendingSegment seg;
  seg.seq = seq_;
  seg.run_id = options_.run_id;
  seg.identifier = options_.identifier;
  seg.rows = std::move(current_);
  // A journal that holds every row of the segment can be deleted after the segment is written.
  // If it missed rows (disk full), keep it: Open() of a later run turns it into the same segment.
  if (journal_ && journaled_rows_ == seg.rows->size()) seg.journal_path = journal_->path();
  journal_.reset();
  current_ = std::make_shared<RowBuffer>();
  journaled_rows_ = 0;
  ++seq_;
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.push_back(std::move(seg));
  // Bound memory while the disk refuses writes: drop the oldest waiting segment.
  size_t pending = 0;
  for (const auto& q : queue_) pending += q.rows->size();
  while (queue_.size() > 1 && pending > options_.max_pending_rows) {
    pending -= queue_.front().rows->size();
    stats_.rows_dropped += queue_.front().rows->size();
    FGM_LOG_ONCE(kWarning, "dataset-drop",
                 "segments cannot be written; dropping the oldest rows from memory (their "
                 "journal, if written, is recovered on the next start)");
    queue_.pop_front();
  }
  wake_.notify_one();
}

void DatasetWriter::Poll() {
  TimestampNs now = clock_->WallNs();
  if (now >= next_flush_ns_) {
    const bool sync = now >= next_sync_ns_;
    if (sync) next_sync_ns_ = NextAlignedTick(now, options_.journal_sync_interval_ns);
    FlushJournal(sync).IgnoreError();
    // On a grid, not `now + interval`: a Poll a few ms after its tick would otherwise miss the
    // next deadline by those ms and flush one tick late, every time.
    next_flush_ns_ = NextAlignedTick(now, options_.flush_interval_ns);
  }
  // A quiet period (no rows) or a full buffer also ends the segment.
  if (now >= segment_deadline_ns_ || current_->size() >= options_.segment_max_rows) {
    FlushJournal().IgnoreError();
    HandOffSegment();
    if (now >= segment_deadline_ns_) {
      segment_deadline_ns_ = NextAlignedTick(now, options_.segment_interval_ns);
    }
  }
}

Status DatasetWriter::WriteSegment(const PendingSegment& seg) {
  // Metric rows to seg-*, event rows to events-seg-* (usually none): each named and partitioned
  // by its own first time.
  auto write = [&](const RowBuffer& rows) -> Status {
    const SegmentSelection selection = SelectRows(rows);
    for (RowSelection which : {RowSelection::kMetrics, RowSelection::kEvents}) {
      const SelectedRows& selected = selection.of(which);
      if (selected.empty()) continue;
      std::string dir = PartitionDir(options_.root, selected.min_ms, seg.identifier);
      FGM_RETURN_IF_ERROR(MakeDirs(dir));
      std::string name = which == RowSelection::kEvents
                             ? EventSegmentFileName(selected.min_ms, seg.run_id, seg.seq)
                             : SegmentFileName(selected.min_ms, seg.run_id, seg.seq);
      FGM_RETURN_IF_ERROR(
          WriteRowsFile(rows, selected, dir + "/" + name, seg.run_id, seg.identifier, &cancel_));
    }
    return OkStatus();
  };
  const RowBuffer& all = *seg.rows;
  if (UtcDate(all.min_time_ms()) == UtcDate(all.max_time_ms())) {
    FGM_RETURN_IF_ERROR(write(all));  // the usual case: no copy of the segment's rows
  } else {
    for (auto& [date, rows] : SplitByDate(all)) FGM_RETURN_IF_ERROR(write(rows));
  }
  if (!seg.journal_path.empty()) ::unlink(seg.journal_path.c_str());
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.segments_written;
  stats_.rows_written += seg.rows->size();
  return OkStatus();
}

void DatasetWriter::WorkerLoop() {
  TimestampNs next_maintenance = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    if (!queue_.empty()) {
      PendingSegment seg = queue_.front();
      busy_ = true;
      lock.unlock();
      Status s = WriteSegment(seg);
      lock.lock();
      busy_ = false;
      if (s.ok()) {
        if (!queue_.empty() && queue_.front().seq == seg.seq && queue_.front().rows == seg.rows) {
          queue_.pop_front();
        }
        seg = PendingSegment();  // the rows are freed here (the queue held the other reference)
        wake_.notify_all();
        lock.unlock();
        // glibc keeps freed memory in its arenas (the segment's rows in the sampler's, the
        // encoder's buffers in this thread's), fragmented around live blocks, instead of returning
        // it to the kernel; malloc_trim gives every arena's free pages back. Once per segment it
        // costs nothing measurable next to writing the segment (docs/benchmarks.md, "Monitor
        // memory").
        ::malloc_trim(0);
        lock.lock();
        continue;
      }
      if (s.code() == StatusCode::kCancelled) {
        wake_.notify_all();
        return;  // shutdown: the journal keeps the rows
      }
      ++stats_.write_errors;
      last_error_ = s;
      FGM_LOG_ONCE(kWarning, ErrorKey("segment", s),
                   "cannot write segment: %s (retrying; sampling continues)", s.ToString().c_str());
      wake_.notify_all();
      if (stopping_) return;
      wake_.wait_for(lock, std::chrono::nanoseconds(options_.maintenance_interval_ns));
      continue;
    }
    if (stopping_) return;
    TimestampNs now = clock_->WallNs();
    if (now >= next_maintenance) {
      busy_ = true;
      lock.unlock();
      Status s = Maintenance(/*include_open_hours=*/false);
      lock.lock();
      busy_ = false;
      if (!s.ok()) {
        ++stats_.write_errors;
        FGM_LOG_ONCE(kWarning, ErrorKey("maintenance", s), "compaction/retention: %s",
                     s.ToString().c_str());
      }
      next_maintenance = clock_->WallNs() + options_.maintenance_interval_ns;
    }
    // The predicate matters: a segment handed off while maintenance ran (with the lock released)
    // notified nobody, and without the re-check it waited a whole maintenance interval, as did
    // Close() (which, on a fake clock, then never timed out).
    wake_.wait_for(lock, std::chrono::nanoseconds(options_.maintenance_interval_ns),
                   [this] { return stopping_ || !queue_.empty(); });
  }
}

Status DatasetWriter::Close(int64_t deadline_ns) {
  if (!worker_.joinable()) return OkStatus();
  // Everything buffered reaches the journal first: from here on nothing can be lost, only left
  // for the next Open() to turn into segments.
  FlushJournal(/*sync=*/true).IgnoreError();
  HandOffSegment();
  const int64_t start = clock_->MonotonicNs();
  auto wait_until = [&](int64_t until) {
    std::unique_lock<std::mutex> lock(mutex_);
    while ((!queue_.empty() || busy_) && clock_->MonotonicNs() < until) {
      wake_.wait_for(lock, std::chrono::milliseconds(10));
    }
  };
  wait_until(start + deadline_ns * 3 / 4);
  // Out of time: abandon the write in progress (at its next row-group boundary). Its journal
  // stays on disk and becomes the same segment on the next start.
  cancel_ = true;
  wait_until(start + deadline_ns);
  Status result;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const PendingSegment& seg : queue_) {
      if (seg.journal_path.empty()) {
        result = last_error_.ok() ? IoError(
                                        "rows could be written neither to a segment nor to "
                                        "the journal before shutdown")
                                  : last_error_;
      }
    }
    if (!queue_.empty() && result.ok()) {
      FGM_LOG(kInfo, "%zu segment(s) left in the journal at shutdown; written on the next start",
              queue_.size());
    }
    stopping_ = true;
    wake_.notify_all();
  }
  worker_.join();
  cancel_ = false;  // CompactAndRetainNow() after Close() runs to completion on the caller's thread
  return result;
}

Status DatasetWriter::CompactAndRetainNow(bool include_open_hours) {
  return Maintenance(include_open_hours);
}

Status DatasetWriter::Maintenance(bool include_open_hours) {
  std::lock_guard<std::mutex> maintenance_lock(maintenance_mutex_);
  Status first;
  if (options_.compaction) {
    for (const std::string& dir : ListPartitions(options_.root)) {
      Status s = CompactPartition(dir, include_open_hours);
      if (!s.ok() && first.ok()) first = s;
    }
  }
  Status r = ApplyRetention();
  if (!r.ok() && first.ok()) first = r;
  return first;
}

namespace {

// Compaction reads every source through a window of decoded rows: kMergeWindowRows rows of every
// column, starting on a multiple of kSegmentPageRows (a segment page boundary, so a page is
// decoded about once), advancing monotonically as containers are emitted in key order. Peak
// memory is ~ sources x kMergeWindowRows x decoded row width (~1.5 KiB for ~115 columns), e.g.
// 220 segments (1 h of 1,000 containers, cut at segment_max_rows) x 256 rows x 1.5 KiB ~ 82 MiB,
// plus the sources' footers (a few KiB each for one-row-group segments) and the output's row
// group, independent of the number of containers. One page: the sources of a busy hour are many,
// so window rows are what the peak is made of; a page is still decoded once, and only the
// dictionaries are read once per window rather than once per two pages.
constexpr int64_t kMergeWindowRows = kSegmentPageRows;
// Rows of the key columns (time, container_id, cgroup_inode, cgroup_path) decoded at a time while
// finding a source's runs: ~1 MiB with 200-byte paths, and few enough calls that the dictionary
// page is not re-decoded per page.
constexpr int64_t kMergeKeyScanRows = 4096;
// Rows gathered for the output before each WriteBatch (the writer cuts row groups itself): ~5 MiB
// of decoded rows, enough that the per-call work over ~115 columns does not show.
constexpr size_t kMergeOutputRows = 4096;

// (container_id, cgroup_inode, cgroup_path); null reads as "", -1, "" (monitor rows).
using MergeKey = std::tuple<std::string, int64_t, std::string>;

// One run of rows of a source with one key: rows [begin, end) of row group `row_group`.
struct MergeRun {
  int64_t first_time = 0;
  size_t source = 0;
  int row_group = 0;
  int64_t begin = 0;
  int64_t end = 0;
  auto order() const { return std::tie(first_time, source, row_group, begin); }
};

// Reads values of a batch in row order, keeping the index of the next non-null value.
class BatchCursor {
 public:
  explicit BatchCursor(const parquet::ColumnBatch* b) : b_(b) {}
  // Advances to `row` (>= the current row) and says whether it is null.
  bool SeekIsNull(size_t row) {
    if (row < row_) row_ = value_ = 0;  // never happens in key order; stay correct anyway
    for (; row_ < row; ++row_) value_ += !b_->IsNull(row_);
    return b_->IsNull(row_);
  }
  size_t value() const { return value_; }
  // Appends rows [row, end) to `dst`.
  void AppendTo(size_t row, size_t end, parquet::ColumnBatch* dst) {
    for (size_t r = row; r < end; ++r) {
      if (SeekIsNull(r)) {
        dst->AppendNull();
        continue;
      }
      switch (b_->type) {
        case parquet::PhysicalType::kBoolean:
          dst->AppendBool(b_->bools[value_]);
          break;
        case parquet::PhysicalType::kInt32:
          dst->AppendInt32(b_->int32s[value_]);
          break;
        case parquet::PhysicalType::kInt64:
          dst->AppendInt64(b_->int64s[value_]);
          break;
        case parquet::PhysicalType::kFloat:
          dst->AppendFloat(b_->floats[value_]);
          break;
        case parquet::PhysicalType::kDouble:
          dst->AppendDouble(b_->doubles[value_]);
          break;
        default:
          dst->AppendBytes(b_->bytes[value_]);
          break;
      }
    }
  }

 private:
  const parquet::ColumnBatch* b_;
  size_t row_ = 0;
  size_t value_ = 0;
};

struct MergeSource {
  std::string name;
  std::unique_ptr<parquet::FileReader> reader;
  std::vector<int> column_map;  // dataset column -> file column, -1 when absent
  // The window: rows [window_begin, window_end) of row group window_rg, every column decoded.
  int window_rg = -1;
  int64_t window_begin = 0;
  int64_t window_end = 0;
  std::vector<parquet::ColumnBatch> window;
  std::vector<BatchCursor> cursors;

  // Appends rows [begin, end) of row group `rg` to `out` (one batch per dataset column), moving
  // the window forward as needed; absent columns become nulls.
  Status AppendRows(int rg, int64_t begin, int64_t end, std::vector<parquet::ColumnBatch>* out,
                    parquet::ColumnReadBuffers* buffers) {
    while (begin < end) {
      if (rg != window_rg || begin < window_begin || begin >= window_end) {
        FGM_RETURN_IF_ERROR(LoadWindow(rg, begin, buffers));
      }
      int64_t take_end = std::min(end, window_end);
      for (int c = 0; c < kNumColumns; ++c) {
        parquet::ColumnBatch& dst = (*out)[c];
        if (column_map[c] < 0) {
          for (int64_t r = begin; r < take_end; ++r) dst.AppendNull();
        } else {
          cursors[c].AppendTo(static_cast<size_t>(begin - window_begin),
                              static_cast<size_t>(take_end - window_begin), &dst);
        }
      }
      begin = take_end;
    }
    return OkStatus();
  }

 private:
  Status LoadWindow(int rg, int64_t row, parquet::ColumnReadBuffers* buffers) {
    window_rg = -1;  // invalid until every column is read
    int64_t rows = reader->row_group_num_rows(rg);
    int64_t begin = row - row % kSegmentPageRows;
    int64_t end = std::min(rows, begin + kMergeWindowRows);
    window.resize(kNumColumns);
    cursors.clear();
    for (int c = 0; c < kNumColumns; ++c) {
      if (column_map[c] >= 0) {
        FGM_RETURN_IF_ERROR(
            reader->ReadColumnRows(rg, column_map[c], begin, end - begin, &window[c], buffers));
        if (window[c].num_rows != static_cast<size_t>(end - begin)) {
          return CorruptError("short column read in " + name);
        }
      }
      cursors.emplace_back(&window[c]);
    }
    window_rg = rg;
    window_begin = begin;
    window_end = end;
    return OkStatus();
  }
};

// Finds the runs of equal keys of every row group of `src` (index `source`), reading the key
// columns kMergeKeyScanRows rows at a time. Old segments have one run per row group, new ones a
// run per container instance inside one row group.
Status FindRuns(const MergeSource& src, size_t source,
                std::map<MergeKey, std::vector<MergeRun>>* runs,
                parquet::ColumnReadBuffers* buffers) {
  const int key_cols[] = {0, kContainerIdCol, kInodeCol, kPathCol};  // time first
  std::vector<parquet::ColumnBatch> b(4);
  for (int rg = 0; rg < src.reader->num_row_groups(); ++rg) {
    const int64_t rows = src.reader->row_group_num_rows(rg);
    MergeKey key;
    MergeRun run;
    bool open = false;
    auto close = [&] {
      if (open) (*runs)[key].push_back(run);
      open = false;
    };
    for (int64_t start = 0; start < rows; start += kMergeKeyScanRows) {
      const int64_t n = std::min(rows - start, kMergeKeyScanRows);
      for (int k = 0; k < 4; ++k) {
        int fc = src.column_map[key_cols[k]];
        b[k] = parquet::ColumnBatch{.type = kCatalog[key_cols[k]].type};
        if (fc < 0) {
          for (int64_t r = 0; r < n; ++r) b[k].AppendNull();
        } else {
          FGM_RETURN_IF_ERROR(src.reader->ReadColumnRows(rg, fc, start, n, &b[k], buffers));
        }
        if (b[k].num_rows != static_cast<size_t>(n)) {
          return CorruptError("short key column read in " + src.name);
        }
      }
      BatchCursor time(&b[0]), id(&b[1]), inode(&b[2]), path(&b[3]);
      for (size_t r = 0; r < static_cast<size_t>(n); ++r) {
        std::string_view id_v = id.SeekIsNull(r) ? std::string_view() : b[1].bytes[id.value()];
        int64_t inode_v = inode.SeekIsNull(r) ? -1 : b[2].int64s[inode.value()];
        std::string_view path_v =
            path.SeekIsNull(r) ? std::string_view() : b[3].bytes[path.value()];
        const int64_t row = start + static_cast<int64_t>(r);
        if (open && std::get<0>(key) == id_v && std::get<1>(key) == inode_v &&
            std::get<2>(key) == path_v) {
          run.end = row + 1;
          continue;
        }
        close();
        key = MergeKey{std::string(id_v), inode_v, std::string(path_v)};
        int64_t t = time.SeekIsNull(r) ? 0 : b[0].int64s[time.value()];
        run = MergeRun{t, source, rg, row, row + 1};
        open = true;
      }
    }
    close();
  }
  return OkStatus();
}

}  // namespace

// Merges `files` of partition `dir` into one file `final_name`: rows sorted by container instance
// (container_id, cgroup_inode, cgroup_path), each instance's runs oldest first (sources are
// time-disjoint), in row groups of kCompactedRowGroupRows. Sources may have any layout: one row
// group per segment (this writer) or one per container (earlier versions). Memory is bounded by
// the per-source windows (see kMergeWindowRows), not by containers x sources x columns. The result
// lists the files it replaces; they are deleted after the rename. Unreadable sources are left
// alone.
static Status MergeDataFiles(const std::string& dir, const std::vector<std::string>& files,
                             const std::string& final_name, int zstd_level,
                             const std::atomic<bool>* cancel) {
  std::vector<MergeSource> sources;
  std::map<MergeKey, std::vector<MergeRun>> runs;
  parquet::ColumnReadBuffers buffers;
  for (const std::string& f : files) {
    auto reader = parquet::FileReader::OpenFile(dir + "/" + f);
    if (!reader.ok()) {
      // Never delete what we cannot read; leave it out of this compaction and say so once.
      FGM_LOG_ONCE(kWarning, "compact-open:" + dir + "/" + f, "skipping unreadable %s/%s: %s",
                   dir.c_str(), f.c_str(), reader.error().ToString().c_str());
      continue;
    }
    MergeSource src;
    src.name = f;
    src.reader = std::move(*reader);
    for (const ColumnDef& c : Columns()) {
      int fc = src.reader->schema().FindColumn(c.name);
      // A column of another physical type (never written by this writer) reads as nulls rather
      // than failing the whole hour.
      if (fc >= 0 && src.reader->schema().columns[fc].type != c.type) fc = -1;
      src.column_map.push_back(fc);
    }
    std::map<MergeKey, std::vector<MergeRun>> src_runs;
    Status s = FindRuns(src, sources.size(), &src_runs, &buffers);
    if (!s.ok()) {
      FGM_LOG_ONCE(kWarning, "compact-read:" + dir + "/" + f, "skipping unreadable %s/%s: %s",
                   dir.c_str(), f.c_str(), s.ToString().c_str());
      continue;
    }
    for (auto& [key, r] : src_runs) {
      std::vector<MergeRun>& all = runs[key];
      all.insert(all.end(), r.begin(), r.end());
    }
    sources.push_back(std::move(src));
  }
  if (sources.empty()) return OkStatus();
  std::string final_path = dir + "/" + final_name;
  std::string tmp = final_path + ".tmp";
  auto writer = OpenDataFileWriter(tmp, CompactedWriterOptions(zstd_level));
  if (!writer.ok()) return writer.error();
  Status status;
  int64_t min_ms = INT64_MAX, max_ms = INT64_MIN;
  std::vector<std::string> replaced;
  for (const MergeSource& s : sources) replaced.push_back(s.name);
  std::string run_id, identifier;
  for (const MergeSource& s : sources) {
    for (const parquet::KeyValue& kv : s.reader->metadata().key_value_metadata) {
      if (!kv.value) continue;
      if (kv.key == kKvMinTimeMs) min_ms = std::min(min_ms, ParseInt64(*kv.value).value_or(min_ms));
      if (kv.key == kKvMaxTimeMs) max_ms = std::max(max_ms, ParseInt64(*kv.value).value_or(max_ms));
      if (kv.key == kKvRunId) run_id = *kv.value;
      if (kv.key == kKvIdentifier) identifier = *kv.value;
    }
  }
  auto empty_batches = [] {
    std::vector<parquet::ColumnBatch> b(kNumColumns);
    for (int c = 0; c < kNumColumns; ++c) b[c].type = kCatalog[c].type;
    return b;
  };
  std::vector<parquet::ColumnBatch> out = empty_batches();
  for (auto& [key, parts] : runs) {
    if (cancel && cancel->load()) {
      status = CancelledError("compaction abandoned at shutdown");
      break;
    }
    // Oldest first: sources are time-disjoint, so ordering runs by their first time keeps the
    // instance sorted by time.
    std::sort(parts.begin(), parts.end(),
              [](const MergeRun& a, const MergeRun& b) { return a.order() < b.order(); });
    for (const MergeRun& run : parts) {
      status = sources[run.source].AppendRows(run.row_group, run.begin, run.end, &out, &buffers);
      if (!status.ok()) break;
      if (out[0].num_rows >= kMergeOutputRows) {
        status = (*writer)->WriteBatch(out);
        out = empty_batches();
        if (!status.ok()) break;
      }
    }
    if (!status.ok()) break;
  }
  if (status.ok() && out[0].num_rows > 0) status = (*writer)->WriteBatch(out);
  out.clear();
  if (status.ok()) {
    AddCommonKv(writer->get(), run_id, identifier, min_ms, max_ms);
    (*writer)->AddKeyValue(std::string(kKvReplaces), JsonStringArray(replaced));
    status = (*writer)->Close(/*sync=*/true);
  }
  if (status.ok() && ::rename(tmp.c_str(), final_path.c_str()) != 0) {
    status = ErrnoError("rename " + tmp, errno);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status.WithContext(dir);
  }
  for (const std::string& r : replaced) {
    if (r != final_name) ::unlink((dir + "/" + r).c_str());
  }
  return OkStatus();
}

Status DatasetWriter::CompactPartition(const std::string& dir, bool include_open_hours) {
  const int64_t now_ms = clock_->WallNs() / kNanosPerMilli;
  const int64_t delay_ms = options_.compaction_delay_ns / kNanosPerMilli;
  // The segments of a finished hour become one hourly file. An hour that already has an hourly
  // file and gets more segments later (a journal recovered after the hour was compacted) gets a
  // second hourly file: only segments are merged (their runs are time-disjoint from each other,
  // which the merge's oldest-first order relies on).
  // Event segments merge into their own hourly file (events-<hour>-*), never into metrics-*.
  std::map<std::pair<int64_t, bool>, std::vector<std::string>> by_hour;  // (hour, events)
  for (const std::string& f : ListFiles(dir)) {
    auto parsed = ParseDataFileName(f);
    if (!parsed || parsed->kind != DataFileName::Kind::kSegment) continue;
    int64_t hour = parsed->start_ms - (parsed->start_ms % kHourMs + kHourMs) % kHourMs;
    by_hour[{hour, parsed->events}].push_back(f);
  }
  for (auto& [key, files] : by_hour) {
    auto [hour, events] = key;
    bool closed = hour + kHourMs + delay_ms <= now_ms;
    if (!closed && !include_open_hours) continue;
    std::string name = events ? EventHourlyFileName(hour, now_ms) : HourlyFileName(hour, now_ms);
    FGM_RETURN_IF_ERROR(MergeDataFiles(dir, files, name, options_.zstd_level, &cancel_));
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.hours_compacted;
  }
  return OkStatus();
}

Status DatasetWriter::ApplyRetention() {
  if (options_.retention_ns <= 0 && options_.max_disk_bytes == 0) return OkStatus();
  struct DataFile {
    int64_t end_ms;
    std::string path;
    uint64_t bytes;
  };
  std::vector<DataFile> files;
  uint64_t total = 0;
  for (const std::string& dir : ListPartitions(options_.root)) {
    for (const std::string& f : ListFiles(dir)) {
      auto parsed = ParseDataFileName(f);
      if (!parsed) continue;
      int64_t span = parsed->kind == DataFileName::Kind::kHourly
                         ? kHourMs
                         : options_.segment_interval_ns / kNanosPerMilli;
      std::string path = dir + "/" + f;
      uint64_t bytes = FileSize(path);
      files.push_back({parsed->start_ms + span, path, bytes});
      total += bytes;
    }
  }
  for (const std::string& f : ListFiles(JournalDir(options_.root))) {
    total += FileSize(JournalDir(options_.root) + "/" + f);
  }
  std::sort(files.begin(), files.end(),
            [](const DataFile& a, const DataFile& b) { return a.end_ms < b.end_ms; });
  const int64_t now_ms = clock_->WallNs() / kNanosPerMilli;
  uint64_t deleted = 0;
  for (const DataFile& f : files) {
    bool too_old =
        options_.retention_ns > 0 && f.end_ms < now_ms - options_.retention_ns / kNanosPerMilli;
    bool over_budget = options_.max_disk_bytes > 0 && total > options_.max_disk_bytes;
    if (!too_old && !over_budget) continue;
    if (::unlink(f.path.c_str()) == 0) {
      ++deleted;
    } else if (errno != ENOENT) {
      continue;  // still there: it still counts
    }
    total -= f.bytes;
  }
  if (deleted) {
    // Remove partitions left empty (rmdir fails harmlessly on non-empty ones).
    for (const std::string& dir : ListPartitions(options_.root)) {
      ::rmdir(dir.c_str());
      ::rmdir(DirName(dir).c_str());
    }
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.files_deleted_by_retention += deleted;
  }
  return OkStatus();
}

DatasetStats DatasetWriter::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

}  // namespace fgm::store
