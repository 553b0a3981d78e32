// SPDX-License-Identifier: Apache-2.0
// WorkerPool: a generation counter under one mutex hands a job to the sleeping threads, a counter
// of running calls tells the caller when they are all done. Without pthreads (emscripten builds
// without -pthread, where creating a std::thread fails at run time) the thread code is left out
// and the pool has one slot.
#include "engine/worker_pool.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define FGM_ENGINE_HAVE_THREADS 0
#else
#define FGM_ENGINE_HAVE_THREADS 1
#endif

#if FGM_ENGINE_HAVE_THREADS
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>
#endif

#include "core/log.h"

namespace fgm::engine {

#if FGM_ENGINE_HAVE_THREADS

struct WorkerPool::State {
  std::mutex mutex;
  std::condition_variable work;  // a new job or stop
  std::condition_variable done;  // running reached 0
  const std::function<void(int)>* job = nullptr;
  uint64_t generation = 0;  // bumped per job: a thread runs each generation once
  int running = 0;          // calls of the current job not yet returned (caller's excluded)
  bool stop = false;
  std::vector<std::thread> threads;

  void Loop(int slot) {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      work.wait(lock, [&] { return stop || generation != seen; });
      if (stop) return;
      seen = generation;
      const std::function<void(int)>* current = job;
      lock.unlock();
      (*current)(slot);
      lock.lock();
      if (--running == 0) done.notify_one();
    }
  }
};

WorkerPool::WorkerPool(int slots)
    : slots_(slots < 1 ? 1 : slots), buffers_(static_cast<size_t>(slots_)) {}

WorkerPool::~WorkerPool() {
  if (!state_) return;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stop = true;
  }
  state_->work.notify_all();
  for (std::thread& t : state_->threads) t.join();
}

void WorkerPool::Start() {
  state_ = std::make_unique<State>();
  // std::thread reports a failed pthread_create (a container's pids limit reached) only by
  // throwing; the answer is still computable on the caller alone, so that is where it goes.
  try {
    for (int slot = 1; slot < slots_; ++slot) {
      State* state = state_.get();
      state_->threads.emplace_back([state, slot] { state->Loop(slot); });
    }
  } catch (const std::system_error& e) {
    FGM_LOG_ONCE(kWarning, "engine-worker-pool",
                 "viewer: query threads unavailable (%s): one thread", e.what());
    slots_ = static_cast<int>(state_->threads.size()) + 1;
  }
}

void WorkerPool::Run(const std::function<void(int slot)>& job) {
  if (slots_ > 1 && !state_) Start();
  if (slots_ <= 1) {
    job(0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->job = &job;
    state_->running = slots_ - 1;
    ++state_->generation;
  }
  state_->work.notify_all();
  job(0);
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->done.wait(lock, [&] { return state_->running == 0; });
  state_->job = nullptr;
}

#else  // no threads

struct WorkerPool::State {};

WorkerPool::WorkerPool(int) : slots_(1), buffers_(1) {}
WorkerPool::~WorkerPool() = default;
void WorkerPool::Start() {}
void WorkerPool::Run(const std::function<void(int slot)>& job) { job(0); }

#endif

}  // namespace fgm::engine
