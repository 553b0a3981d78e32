// SPDX-License-Identifier: Apache-2.0
// WorkerPool: the few threads an Engine keeps to split one large answer (per-series rates,
// buckets and JSON of hundreds of containers) across cores. The calling thread takes part, so a
// pool of N slots has N - 1 threads; they start on the first job and sleep between jobs. Builds
// without threads (the WebAssembly engine of the exported page has no pthreads) get one slot and
// run every job inline, as does a pool whose threads could not be started.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fgm::engine {

/// A fixed set of threads that run one job at a time, together with the caller.
/// Thread-compatible: one caller at a time (the Engine's users hold Engine::mutex()).
///
///   WorkerPool pool(2);
///   std::atomic<size_t> next{0};
///   pool.Run([&](int slot) { for (size_t i; (i = next++) < n;) Work(i, slot); });
class WorkerPool {
 public:
  /// `slots`: threads taking part in a job, the caller included; <= 1 runs jobs inline.
  explicit WorkerPool(int slots);
  /// Stops and joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Slots a job runs on: 1 when threads are unavailable.
  int slots() const { return slots_; }

  /// Runs job(slot) once for each slot in [0, slots()) at the same time, slot 0 on the calling
  /// thread, and returns when every call has returned; all that the calls wrote is then visible
  /// to the caller. `job` must not throw, and must not call Run.
  void Run(const std::function<void(int slot)>& job);

  /// A buffer per slot, kept from job to job, for output a job leaves behind (the caller reads it
  /// after Run). Reusing it avoids fresh pages per job: on a large answer, faulting in new memory
  /// cost more than formatting it. REQUIRES: slot < slots().
  std::string& buffer(int slot) { return buffers_[static_cast<size_t>(slot)]; }

 private:
  struct State;
  // Starts the threads; on failure (thread limit reached) falls back to one slot.
  void Start();

  int slots_;
  std::unique_ptr<State> state_;  // threads, created by Start()
  std::vector<std::string> buffers_;
};

}  // namespace fgm::engine
