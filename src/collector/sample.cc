// SPDX-License-Identifier: Apache-2.0
// Names of the collector's event types as they appear in the dataset's event_type column (see
// sample.h). Kept stable: stored files and the viewer's annotations match on these strings.
#include "collector/sample.h"

namespace fgm::collector {

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kStarted:
      return "started";
    case EventType::kStopped:
      return "stopped";
    case EventType::kOomKill:
      return "oom_kill";
  }
  return "unknown";
}

}  // namespace fgm::collector
