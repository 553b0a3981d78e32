// SPDX-License-Identifier: Apache-2.0
// Running kubectl (and tar) as child processes for `fgm cluster`: argv in, exit code and captured
// output back; a detached variant for `kubectl port-forward`. kubectl is found on PATH like a shell
// would, which is also how the tests substitute a fake one.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/result.h"

namespace fgm::cluster {

struct CommandResult {
  int exit_code = 0;  // 128 + n when killed by signal n
  std::string out;    // stdout (empty when it went to a file)
  std::string err;    // stderr
};

/// Runs argv[0] (searched on PATH) with `stdin_data` on stdin and waits. stdout goes to
/// `stdout_path` when it is non-empty (created/truncated; for large outputs such as a tar stream),
/// else into the result. kIo when it cannot be started (e.g. not installed); a non-zero exit is a
/// result, not an error. REQUIRES: !argv.empty().
Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const std::string& stdin_data = "",
                                 const std::string& stdout_path = "");

/// Starts argv in its own session (it outlives us), stdout and stderr appended to `log_path`.
/// Returns its pid.
Result<pid_t> StartDetached(const std::vector<std::string>& argv, const std::string& log_path);

/// kubectl with the global flags every call shares. Cheap to copy.
class Kubectl {
 public:
  /// `binary`: "kubectl" (PATH) or a path; `context`: --context (empty: the current one).
  explicit Kubectl(std::string binary = "kubectl", std::string context = "")
      : binary_(std::move(binary)), context_(std::move(context)) {}

  /// The full argv for `args` (binary, --context if set, then args).
  std::vector<std::string> Argv(const std::vector<std::string>& args) const;
  /// Runs and returns stdout; a non-zero exit is kIo with kubectl's stderr in the message.
  Result<std::string> Run(const std::vector<std::string>& args,
                          const std::string& stdin_data = "") const;
  /// Runs with stdout into a file; errors as Run.
  Status RunToFile(const std::vector<std::string>& args, const std::string& stdout_path) const;

 private:
  std::string binary_;
  std::string context_;
};

}  // namespace fgm::cluster
