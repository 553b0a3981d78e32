// SPDX-License-Identifier: Apache-2.0
// DatasetFixture: the shared base of the store's tests that write a dataset. A fresh directory per
// test (removed afterwards), a fake clock the test moves, and DatasetOptions pointing at both.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/testing/fake_clock.h"
#include "store/dataset_writer.h"

namespace fgm::store {

class DatasetFixture : public ::testing::Test {
 protected:
  explicit DatasetFixture(int64_t start_ms) : clock_(start_ms * kNanosPerMilli) {}

  void SetUp() override {
    char tmpl[] = "/tmp/fgm_store_test_XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  DatasetOptions Options() {
    DatasetOptions o;
    o.root = root_;
    o.identifier = "node-a";
    o.run_id = "run00001";
    o.clock = &clock_;
    o.maintenance_interval_ns = 3600 * kNanosPerSecond;  // tests call CompactAndRetainNow
    return o;
  }

  std::string root_;
  fgm::testing::FakeClock clock_;
};

}  // namespace fgm::store
