// SPDX-License-Identifier: Apache-2.0
// Test-only helpers for the collector's cgroupfs/procfs tests: a self-deleting temp directory that
// stands in for a cgroup tree or a /proc (below's TestCgroup idea), and the path of the fixture
// trees in test/data/cgroupfs. Header-only and never linked into the library.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace fgm::collector::testing {

/// Creates a unique directory under $TMPDIR (or /tmp) and removes it, recursively, on
/// destruction. Not thread-safe; one per test.
class TempTree {
 public:
  TempTree() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/fgm_cgroupfs_XXXXXX";
    char* made = ::mkdtemp(pattern.data());
    if (made != nullptr) root_ = made;
  }
  ~TempTree() {
    std::error_code ec;
    if (!root_.empty()) std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& root() const { return root_; }
  std::string Path(std::string_view rel) const { return root_ + "/" + std::string(rel); }

  /// Writes `content` to root/rel, creating parent directories.
  void Write(std::string_view rel, std::string_view content) const {
    std::filesystem::path p = Path(rel);
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
  }
  void MakeDir(std::string_view rel) const { std::filesystem::create_directories(Path(rel)); }
  void Remove(std::string_view rel) const {
    std::error_code ec;
    std::filesystem::remove_all(Path(rel), ec);
  }

 private:
  std::string root_;
};

/// test/data/cgroupfs/<tree> in the source checkout (FGM_SOURCE_DIR is set by fgm_cc_test).
inline std::string FixtureTree(std::string_view tree) {
  return std::string(FGM_SOURCE_DIR) + "/test/data/cgroupfs/" + std::string(tree);
}

inline constexpr std::string_view kFixtureContainerId =
    "4f3c2b1a09e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2";
inline constexpr std::string_view kFixturePodUid = "6c1b2f9e-4d8a-4b7e-9f3c-2a1d5e8b7c40";
inline constexpr std::string_view kFixturePodUidUnderscores =
    "6c1b2f9e_4d8a_4b7e_9f3c_2a1d5e8b7c40";

}  // namespace fgm::collector::testing
