// SPDX-License-Identifier: Apache-2.0
// Budgeted smaps_rollup reads (see pss_reader.h for the policy).
#include "collector/procfs/pss_reader.h"

#include <algorithm>

#include "core/check.h"

namespace fgm::collector {

PssReader::PssReader(std::string host_root, PssPolicy policy, Clock& clock)
    : host_root_(std::move(host_root)),
      policy_(policy),
      clock_(&clock),
      proc_dir_(ProcDir::Open(host_root_)) {
  read_fn_ = [this](int32_t pid) { return ReadFromProc(pid); };
  statm_fn_ = [this](int32_t pid) { return ReadStatmFromProc(pid); };
}

Result<ProcPidStatm> PssReader::ReadStatmFromProc(int32_t pid) {
  if (!proc_dir_.ok()) return proc_dir_.error();
  FGM_RETURN_IF_ERROR(proc_dir_->ReadPidFile(pid, "statm", &buf_));
  return ParseProcPidStatm(buf_);
}

Result<SmapsRollup> PssReader::ReadFromProc(int32_t pid) {
  if (!proc_dir_.ok()) return proc_dir_.error();
  FGM_RETURN_IF_ERROR(proc_dir_->ReadPidFile(pid, "smaps_rollup", &buf_));
  return ParseSmapsRollup(buf_);
}

int64_t PssReader::IntervalTicksForCost(int64_t cost_ns) const {
  const int64_t target = std::max<int64_t>(1, policy_.target_cost_per_tick_ns);
  const int64_t ticks = (std::max<int64_t>(0, cost_ns) + target - 1) / target;
  return std::clamp<int64_t>(ticks, 1, std::max<int64_t>(1, policy_.max_interval_ticks));
}

PssTickReport PssReader::Read(std::span<const int32_t> pids, int64_t budget_ns,
                              std::span<const uint8_t> unchanged) {
  FGM_CHECK(unchanged.empty() || unchanged.size() == pids.size());
  ++tick_;
  PssTickReport report;
  report.budget_ns = budget_ns;

  // Mark the PIDs of this tick, creating state for new ones.
  std::vector<int32_t> unique;
  unique.reserve(pids.size());
  for (size_t i = 0; i < pids.size(); ++i) {
    PidState& st = state_[pids[i]];
    if (st.seen_tick == tick_) continue;  // duplicate
    st.seen_tick = tick_;
    st.unchanged = !unchanged.empty() && unchanged[i] != 0;
    unique.push_back(pids[i]);
  }
  // Rule 4: forget PIDs that are no longer listed.
  std::erase_if(state_, [this](const auto& kv) { return kv.second.seen_tick != tick_; });

  // Rule 2: due PIDs, never-read first, then stalest first.
  std::vector<int32_t> due;
  for (int32_t pid : unique) {
    const PidState& st = state_.at(pid);
    if (st.next_due_tick <= tick_ && !(st.unchanged && st.has_value)) {  // 0 when new: due
      due.push_back(pid);
    } else {
      ++report.reused;
    }
  }
  std::stable_sort(due.begin(), due.end(), [this](int32_t a, int32_t b) {
    const PidState& sa = state_.at(a);
    const PidState& sb = state_.at(b);
    if (sa.has_value != sb.has_value) return !sa.has_value;
    return sa.taken_at_ns < sb.taken_at_ns;
  });

  std::vector<int32_t> vanished;
  bool read_any = false;
  for (int32_t pid : due) {
    PidState& st = state_.at(pid);
    // Rule 6. statm is read before smaps_rollup, so a change between the two reads shows as a
    // difference next tick (one extra read) rather than being missed.
    std::optional<ProcPidStatm> statm;
    if (policy_.unchanged_max_age_ticks > 0) {
      const int64_t start = clock_->MonotonicNs();
      Result<ProcPidStatm> m = statm_fn_(pid);
      report.used_ns += clock_->MonotonicNs() - start;
      if (m.ok()) statm = *m;
      if (statm && st.statm && *statm == *st.statm &&
          tick_ - st.read_tick < policy_.unchanged_max_age_ticks) {
        ++report.reused;
        ++report.statm_unchanged;
        continue;  // still due: looked at again next tick
      }
    }
    const int64_t predicted = st.has_value ? st.cost_ns : 0;
    // Rule 3.
    if (read_any && report.used_ns + predicted > budget_ns) {
      ++report.deferred;
      continue;
    }
    const TimestampNs wall = clock_->WallNs();
    const int64_t start = clock_->MonotonicNs();
    Result<SmapsRollup> r = read_fn_(pid);
    const int64_t cost = clock_->MonotonicNs() - start;
    report.used_ns += cost;
    read_any = true;
    if (!r.ok()) {
      if (r.error().code() == StatusCode::kNotFound) {
        ++report.gone;
        vanished.push_back(pid);
      } else {
        ++report.errors;
        // Back off as if the read had succeeded, so a failing PID is not retried every tick.
        st.next_due_tick = tick_ + IntervalTicksForCost(cost);
      }
      continue;
    }
    ++report.read;
    st.has_value = true;
    st.rollup = *r;
    st.taken_at_ns = wall;
    st.cost_ns = cost;
    st.read_tick = tick_;
    st.next_due_tick = tick_ + IntervalTicksForCost(cost);  // Rule 1.
    st.statm = statm;
  }
  for (int32_t pid : vanished) state_.erase(pid);

  report.samples.reserve(unique.size());
  for (int32_t pid : unique) {
    auto it = state_.find(pid);
    if (it == state_.end() || !it->second.has_value) continue;
    const PidState& st = it->second;
    report.samples.push_back(PssSample{.pid = pid,
                                       .rollup = st.rollup,
                                       .taken_at_ns = st.taken_at_ns,
                                       .read_cost_ns = st.cost_ns,
                                       .fresh = st.read_tick == tick_});
  }
  return report;
}

}  // namespace fgm::collector
