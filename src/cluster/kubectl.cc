// SPDX-License-Identifier: Apache-2.0
// Child processes via posix_spawnp. Output is captured through unlinked temp files, not pipes, so a
// child that writes a lot to both stdout and stderr cannot deadlock against us.
#include "cluster/kubectl.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "core/file.h"

extern char** environ;

namespace fgm::cluster {
namespace {

// Why 1 GiB: stdout of kubectl get/apply is kilobytes; only tar streams are larger and those go
// to a file. The cap stops a runaway child from exhausting our memory.
constexpr size_t kMaxCapturedBytes = 1ull << 30;

// An anonymous temp file (unlinked at once): the fd is all we need.
Result<ScopedFd> TempFile() {
  char path[] = "/tmp/fgm-cluster-XXXXXX";
  int fd = ::mkostemp(path, O_CLOEXEC);
  if (fd < 0) return ErrnoError("mkstemp", errno);
  ::unlink(path);
  return ScopedFd(fd);
}

Result<std::string> ReadAllFromStart(int fd) {
  if (::lseek(fd, 0, SEEK_SET) < 0) return ErrnoError("lseek", errno);
  std::string out;
  FGM_RETURN_IF_ERROR(ReadFdFully(fd, &out, kMaxCapturedBytes));
  return out;
}

std::vector<char*> CArgv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const std::string& stdin_data, const std::string& stdout_path) {
  FGM_ASSIGN_OR_RETURN(ScopedFd in, TempFile());
  FGM_RETURN_IF_ERROR(WriteAll(in.get(), stdin_data));
  if (::lseek(in.get(), 0, SEEK_SET) < 0) return ErrnoError("lseek", errno);
  FGM_ASSIGN_OR_RETURN(ScopedFd err, TempFile());
  ScopedFd out;
  if (stdout_path.empty()) {
    FGM_ASSIGN_OR_RETURN(out, TempFile());
  } else {
    int fd = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError(stdout_path, errno);
    out = ScopedFd(fd);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.get(), 2);
  std::vector<char*> c_argv = CArgv(argv);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, c_argv[0], &actions, nullptr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  // glibc's posix_spawnp reports exec failures (ENOENT: not on PATH) here, not as exit 127.
  if (rc != 0) return ErrnoError("cannot run " + argv[0], rc);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError("waitpid", errno);
  }
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FGM_ASSIGN_OR_RETURN(result.err, ReadAllFromStart(err.get()));
  if (stdout_path.empty()) {
    FGM_ASSIGN_OR_RETURN(result.out, ReadAllFromStart(out.get()));
  }
  return result;
}

Result<pid_t> StartDetached(const std::vector<std::string>& argv, const std::string& log_path) {
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return ErrnoError(log_path, errno);
  ScopedFd log_fd(log);
  int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0) return ErrnoError("/dev/null", errno);
  ScopedFd null_fd(null);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, null_fd.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, log_fd.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd.get(), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own session: a Ctrl-C in the terminal that ran `fgm cluster viewer start` must not end it.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::vector<char*> c_argv = CArgv(argv);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, c_argv[0], &actions, &attr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return ErrnoError("cannot run " + argv[0], rc);
  return pid;
}

std::vector<std::string> Kubectl::Argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{binary_};
  if (!context_.empty()) {
    argv.push_back("--context");
    argv.push_back(context_);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

namespace {
std::string Joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}
}  // namespace

Result<std::string> Kubectl::Run(const std::vector<std::string>& args,
                                 const std::string& stdin_data) const {
  std::vector<std::string> argv = Argv(args);
  FGM_ASSIGN_OR_RETURN(CommandResult r, RunCommand(argv, stdin_data));
  if (r.exit_code != 0) {
    return IoError("`" + Joined(argv) + "` failed (exit " + std::to_string(r.exit_code) +
                   "): " + r.err);
  }
  return std::move(r.out);
}

Status Kubectl::RunToFile(const std::vector<std::string>& args,
                          const std::string& stdout_path) const {
  std::vector<std::string> argv = Argv(args);
  FGM_ASSIGN_OR_RETURN(CommandResult r, RunCommand(argv, "", stdout_path));
  if (r.exit_code != 0) {
    return IoError("`" + Joined(argv) + "` failed (exit " + std::to_string(r.exit_code) +
                   "): " + r.err);
  }
  return OkStatus();
}

}  // namespace fgm::cluster
