// SPDX-License-Identifier: Apache-2.0
// Row mapping: memory.stat keys to their columns, and external lifecycle events (which container's
// labels an exit or restart gets: by container id, then cgroup path, live before recently
// stopped) with their event columns.
#include "monitor/row_mapper.h"

#include <gtest/gtest.h>

namespace fgm::monitor {
namespace {

using store::Col;

collector::ContainerSample Sample(const std::string& id, const std::string& path, uint64_t inode,
                                  const std::string& pod) {
  collector::ContainerSample s;
  s.identity.container_id = id;
  s.identity.cgroup_path = path;
  s.identity.runtime = k8s::ContainerRuntime::kLocal;
  s.relative_path = path;
  s.cgroup_inode = inode;
  s.metadata.pod_name = pod;
  s.metadata.namespace_name = "ns";
  s.metadata.container_name = "main";
  return s;
}

collector::ContainerEvent Stopped(const collector::ContainerSample& s) {
  collector::ContainerEvent e;
  e.type = collector::EventType::kStopped;
  e.identity = s.identity;
  e.metadata = s.metadata;
  e.cgroup_inode = s.cgroup_inode;
  e.relative_path = s.relative_path;
  return e;
}

k8s::ExternalEvent Exit(const std::string& id, const std::string& path) {
  k8s::ExternalEvent ev;
  ev.time_ms = 1764080000123;
  ev.container_id = id;
  ev.cgroup_path = path;
  ev.type = "exit";
  ev.exit_code = 137;
  ev.signal = 9;
  ev.reason = "OOMKilled";
  ev.message = "killed";
  return ev;
}

const HostLabels kHost{"node-1", "cluster-1"};

TEST(FillContainerMetricsTest, MemoryStatKeysLandInTheirColumnsAndRefaultsAreSummed) {
  collector::ContainerSample s = Sample("c1", "pod/c1", 7, "web-0");
  collector::MemoryStat& ms = s.snapshot.memory_stat;
  ms.Set("anon", 1000);
  ms.Set("some_future_key", 1);  // unknown keys are ignored
  ms.Set("file", 2000);
  ms.Set("slab_unreclaimable", 30);
  ms.Set("pgmajfault", 4);
  ms.Set("workingset_refault_anon", 5);
  ms.Set("workingset_refault_file", 6);
  store::Row row;
  FillContainerMetrics(s, &row);
  EXPECT_EQ(row.GetInt(Col("memory_anon_bytes")), 1000);
  EXPECT_EQ(row.GetInt(Col("memory_file_bytes")), 2000);
  EXPECT_EQ(row.GetInt(Col("memory_slab_unreclaimable_bytes")), 30);
  EXPECT_EQ(row.GetInt(Col("memory_pgmajfault")), 4);
  EXPECT_EQ(row.GetInt(Col("memory_workingset_refault")), 11);
  EXPECT_FALSE(row.has(Col("memory_shmem_bytes")));  // not reported: null

  // Kernels before 5.9 report one workingset_refault.
  collector::ContainerSample old = Sample("c2", "pod/c2", 8, "web-1");
  old.snapshot.memory_stat.Set("workingset_refault", 9);
  store::Row old_row;
  FillContainerMetrics(old, &old_row);
  EXPECT_EQ(old_row.GetInt(Col("memory_workingset_refault")), 9);
  EXPECT_FALSE(old_row.has(Col("memory_anon_bytes")));
}

TEST(ExternalEventMapperTest, MatchesByContainerIdFirstThenByPath) {
  collector::TickResult tick;
  tick.samples.push_back(Sample("id-a", "/fgm.slice/a.scope", 11, "pod-a"));
  tick.samples.push_back(Sample("id-b", "fgm.slice/b.scope", 22, "pod-b"));
  ExternalEventMapper mapper;
  mapper.Observe(tick);
  store::Row row;

  // The id names b, the path names a: the id wins.
  mapper.FillRow(Exit("id-b", "fgm.slice/a.scope"), tick, kHost, &row);
  EXPECT_EQ(row.GetInt(Col("cgroup_inode")), 22);
  EXPECT_EQ(row.GetString(Col("pod_name")), "pod-b");
  EXPECT_EQ(row.GetString(Col("node_name")), "node-1");
  EXPECT_EQ(row.GetString(Col("kind")), "event");
  EXPECT_EQ(row.GetString(Col("event_type")), "exit");
  EXPECT_EQ(row.GetInt(Col("event_exit_code")), 137);
  EXPECT_EQ(row.GetInt(Col("event_signal")), 9);
  EXPECT_EQ(row.GetString(Col("event_reason")), "OOMKilled");
  EXPECT_EQ(row.GetString(Col("event_message")), "killed");
  EXPECT_EQ(row.GetInt(Col("time")), 1764080000123);

  // Unknown id: the path (slashes normalised) finds a.
  mapper.FillRow(Exit("unknown", "/fgm.slice/a.scope/"), tick, kHost, &row);
  EXPECT_EQ(row.GetInt(Col("cgroup_inode")), 11);
  EXPECT_EQ(row.GetString(Col("container_id")), "id-a");
  EXPECT_EQ(row.GetString(Col("pod_name")), "pod-a");
}

TEST(ExternalEventMapperTest, AStoppedContainerIsStillMatchedAndALiveOneWins) {
  collector::ContainerSample old_instance = Sample("id-old", "fgm.slice/web.scope", 5, "web");
  collector::TickResult stop_tick;
  stop_tick.events.push_back(Stopped(old_instance));
  ExternalEventMapper mapper;
  mapper.Observe(stop_tick);

  collector::TickResult later;  // the cgroup is gone
  mapper.Observe(later);
  store::Row row;
  mapper.FillRow(Exit("", "fgm.slice/web.scope"), later, kHost, &row);
  EXPECT_EQ(row.GetInt(Col("cgroup_inode")), 5);
  EXPECT_EQ(row.GetString(Col("container_id")), "id-old");

  // Restarted under the same path (new inode): the live instance gets the path match.
  later.samples.push_back(Sample("id-new", "fgm.slice/web.scope", 6, "web"));
  mapper.FillRow(Exit("", "fgm.slice/web.scope"), later, kHost, &row);
  EXPECT_EQ(row.GetInt(Col("cgroup_inode")), 6);
  // ...but an id names the old instance exactly.
  mapper.FillRow(Exit("id-old", ""), later, kHost, &row);
  EXPECT_EQ(row.GetInt(Col("cgroup_inode")), 5);
}

TEST(ExternalEventMapperTest, UnmatchedEventsCarryTheirOwnLabels) {
  collector::TickResult tick;
  tick.samples.push_back(Sample("id-a", "fgm.slice/a.scope", 11, "pod-a"));
  ExternalEventMapper mapper;
  mapper.Observe(tick);
  k8s::ExternalEvent ev = Exit("id-gone", "/fgm.slice/gone.scope");
  ev.pod_name = "gone-pod";
  ev.namespace_name = "gone-ns";
  ev.pod_uid = "uid-9";
  ev.container_name = "c";
  ev.exit_code.reset();
  ev.signal.reset();
  ev.type = "restart";
  store::Row row;
  mapper.FillRow(ev, tick, kHost, &row);
  EXPECT_EQ(row.GetString(Col("container_id")), "id-gone");
  EXPECT_EQ(row.GetString(Col("cgroup_path")), "fgm.slice/gone.scope");
  EXPECT_EQ(row.GetString(Col("pod_name")), "gone-pod");
  EXPECT_EQ(row.GetString(Col("namespace")), "gone-ns");
  EXPECT_EQ(row.GetString(Col("pod_uid")), "uid-9");
  EXPECT_EQ(row.GetString(Col("container_name")), "c");
  EXPECT_EQ(row.GetString(Col("cluster_name")), "cluster-1");
  EXPECT_FALSE(row.has(Col("cgroup_inode")));
  EXPECT_FALSE(row.has(Col("event_exit_code")));
  EXPECT_FALSE(row.has(Col("event_signal")));
  EXPECT_EQ(row.GetString(Col("event_type")), "restart");
}

TEST(ExternalEventMapperTest, RemembersABoundedNumberOfStoppedContainers) {
  ExternalEventMapper mapper;
  collector::TickResult tick;
  for (int i = 0; i < 300; ++i) {
    tick.events.push_back(Stopped(Sample("id-" + std::to_string(i), "p" + std::to_string(i),
                                         static_cast<uint64_t>(i + 1), "pod")));
  }
  mapper.Observe(tick);
  collector::TickResult empty;
  store::Row row;
  mapper.FillRow(Exit("id-299", ""), empty, kHost, &row);
  EXPECT_EQ(row.GetInt(Col("cgroup_inode")), 300);
  mapper.FillRow(Exit("id-0", ""), empty, kHost, &row);  // forgotten: its own labels only
  EXPECT_FALSE(row.has(Col("cgroup_inode")));
  EXPECT_EQ(row.GetString(Col("container_id")), "id-0");
}

}  // namespace
}  // namespace fgm::monitor
