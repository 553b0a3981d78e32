// SPDX-License-Identifier: Apache-2.0
// The live tail for the viewer (native only: journals are ZSTD-compressed, and the WASM engine has
// no ZSTD): reads the monitor's in-progress journals (<root>/.fgm/journal/*.wal, store/journal.h)
// and turns each into an in-memory Parquet image the engine indexes like any file, flagged live so
// it is never cached. Rows also present in a segment written meanwhile are de-duplicated by the
// engine (same instance and tick).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "engine/dataset.h"

namespace fgm::engine {

/// One FileSource per readable journal under each root that is a directory. Unreadable or
/// corrupt journals (a race with the monitor deleting them) are skipped.
std::vector<FileSource> ReadLiveJournals(const std::vector<std::string>& roots);

/// Rows of one journal as an uncompressed Parquet image (one row group per container instance).
Result<std::string> JournalToParquet(const std::string& journal_path);

}  // namespace fgm::engine
