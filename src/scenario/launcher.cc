// SPDX-License-Identifier: Apache-2.0
// fork/exec with cgroup placement, privilege drop and an error pipe (see launcher.h).
#include "scenario/launcher.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "core/file.h"

namespace fgm::scenario {
namespace {

// What the child reports through the CLOEXEC pipe when a step before exec fails.
struct ChildError {
  int step;
  int err;
};
constexpr const char* kSteps[] = {"open log", "join cgroup", "setgid/initgroups",
                                  "setuid",   "chdir",       "exec"};

[[noreturn]] void ChildFail(int fd, int step) {
  ChildError e{step, errno};
  (void)!::write(fd, &e, sizeof e);
  _exit(127);
}

// Runs in the child between fork and exec. The caller is single-threaded where it matters (the
// supervisor); every string was prepared before fork.
[[noreturn]] void ChildMain(const LaunchSpec& spec, const std::vector<char*>& argv,
                            const std::vector<char*>& envp, const passwd* pw, int err_fd) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  if (spec.new_session) ::setsid();
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, 0);
  if (!spec.log_path.empty()) {
    int log = ::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log < 0) ChildFail(err_fd, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
  }
  std::string pid = std::to_string(::getpid());
  for (const auto& file : spec.procs_files) {
    int fd = ::open(file.c_str(), O_WRONLY);
    if (fd < 0 || ::write(fd, pid.data(), pid.size()) < 0) ChildFail(err_fd, 1);
    ::close(fd);
  }
  if (pw != nullptr) {
    if (::setgid(pw->pw_gid) != 0 || ::initgroups(pw->pw_name, pw->pw_gid) != 0) {
      ChildFail(err_fd, 2);
    }
    if (::setuid(pw->pw_uid) != 0) ChildFail(err_fd, 3);
  }
  if (::chdir(spec.cwd.empty() ? "/" : spec.cwd.c_str()) != 0) ChildFail(err_fd, 4);
  ::execve(argv[0], argv.data(), envp.data());
  ChildFail(err_fd, 5);
}

Result<pid_t> ForkExec(const LaunchSpec& spec, bool detach) {
  if (spec.argv.empty()) return InvalidArgumentError("empty argv");
  const passwd* pw = nullptr;
  if (!spec.user.empty()) {
    pw = ::getpwnam(spec.user.c_str());
    if (pw == nullptr) return NotFoundError("no such user \"" + spec.user + "\"");
  }
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  ScopedFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  // For a detached daemon, the middle child reports the grandchild's pid through this pipe.
  int pid_fds[2] = {-1, -1};
  if (detach && ::pipe2(pid_fds, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  ScopedFd pid_read(pid_fds[0]), pid_write(pid_fds[1]);
  pid_t child = ::fork();
  if (child < 0) return ErrnoError("fork", errno);
  if (child == 0) {
    if (detach) {
      pid_t grandchild = ::fork();
      if (grandchild != 0) {
        (void)!::write(pid_fds[1], &grandchild, sizeof grandchild);
        _exit(grandchild > 0 ? 0 : 1);
      }
    }
    ChildMain(spec, argv, envp, pw, pipe_fds[1]);
  }
  write_end.Reset();
  pid_write.Reset();
  pid_t daemon = child;
  if (detach) {
    int status = 0;
    ::waitpid(child, &status, 0);
    if (::read(pid_read.get(), &daemon, sizeof daemon) != sizeof daemon || daemon <= 0) {
      return InternalError("fork of the daemon failed");
    }
  }
  ChildError e{};
  ssize_t n;
  do {
    n = ::read(read_end.get(), &e, sizeof e);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof e) {
    if (!detach) ::waitpid(child, nullptr, 0);
    return ErrnoError(std::string("start ") + spec.argv[0] + ": " + kSteps[e.step], e.err);
  }
  return daemon;
}

}  // namespace

Result<pid_t> Launch(const LaunchSpec& spec) { return ForkExec(spec, /*detach=*/false); }

Result<pid_t> LaunchDetached(const LaunchSpec& spec) {
  LaunchSpec s = spec;
  s.new_session = true;
  return ForkExec(s, /*detach=*/true);
}

std::string SelfExe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

std::map<std::string, std::string> BaseEnvironment(const std::string& user) {
  std::string home = "/root";
  if (!user.empty()) {
    if (const passwd* pw = ::getpwnam(user.c_str()); pw != nullptr && pw->pw_dir) home = pw->pw_dir;
  }
  return {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
          {"HOME", home},
          {"LANG", "C.UTF-8"}};
}

}  // namespace fgm::scenario
