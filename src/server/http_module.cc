// SPDX-License-Identifier: Apache-2.0
// dlopen + dlsym for fgm-http.so (see http_module.h): the one place that knows the HTTP transport
// is loaded at run time, so that the binary's link line and `ldd` carry no cpp-httplib.
#include "server/http_module.h"

#include <dlfcn.h>

#include <filesystem>
#include <system_error>

namespace fgm::server {
namespace {

// Why this text: the error ends up on `fgm viewer`'s stderr on an install that lost the module or
// mixed files from two builds, and the fix is a reinstall, not a flag.
constexpr char kReinstallHint[] =
    "reinstall fgm with fgm-http.so beside the fgm binary (or in <prefix>/lib/fgm/), built "
    "together with it; the module needs libcpp-httplib0.11 and the libraries it links (libssl3, "
    "libbrotli1, zlib1g)";

using AbiVersionFn = int (*)();
using CreateFn = HttpTransport* (*)();

// Resolves the module's two functions. Loaded but unusable (a stale or foreign file): kUnsupported.
Result<CreateFn> Resolve(void* handle, const std::string& path) {
  // The cast from dlsym's void* to a function pointer is what POSIX requires to work.
  void* version_sym = ::dlsym(handle, "fgm_http_transport_abi_version");
  if (version_sym == nullptr) {
    const char* why = ::dlerror();
    return UnsupportedError(path + " is not an fgm HTTP module (" +
                            (why ? why : "no fgm_http_transport_abi_version") +
                            "): " + kReinstallHint);
  }
  int version = reinterpret_cast<AbiVersionFn>(version_sym)();
  if (version != kHttpTransportAbiVersion) {
    return UnsupportedError(path + " was built for HTTP module ABI version " +
                            std::to_string(version) + ", this fgm needs version " +
                            std::to_string(kHttpTransportAbiVersion) +
                            " (a module from another build): " + kReinstallHint);
  }
  void* create_sym = ::dlsym(handle, "fgm_http_transport_create");
  if (create_sym == nullptr) {
    const char* why = ::dlerror();
    return UnsupportedError(path + " has no fgm_http_transport_create (" +
                            (why ? why : "symbol not found") + "): " + kReinstallHint);
  }
  return reinterpret_cast<CreateFn>(create_sym);
}

}  // namespace

std::vector<std::string> DefaultHttpModulePaths() {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Why /proc/self/exe and not argv[0]: it is the real file even when fgm was found on $PATH or
  // started through a symlink, and the module is installed beside the real file.
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || !exe.has_parent_path()) return {};
  fs::path dir = exe.parent_path();
  return {(dir / kHttpModuleName).string(),
          (dir / ".." / "lib" / "fgm" / kHttpModuleName).lexically_normal().string()};
}

Result<std::unique_ptr<HttpTransport>> NewHttpTransport(const std::string& module_path) {
  std::vector<std::string> paths =
      module_path.empty() ? DefaultHttpModulePaths() : std::vector<std::string>{module_path};
  if (paths.empty()) {
    return NotFoundError(std::string("cannot find ") + kHttpModuleName +
                         ": /proc/self/exe is unreadable, so fgm does not know its own directory "
                         "(is /proc mounted?)");
  }
  std::string tried;
  for (const std::string& path : paths) {
    // RTLD_NOW: a missing dependency (libssl, brotli) fails here, with a message, not at a call.
    // RTLD_LOCAL: httplib's and OpenSSL's symbols stay out of the global namespace.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* err = ::dlerror();
      std::string why = err ? err : "dlopen failed";
      // dlerror() usually starts with the path itself; the list below names it once.
      if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
      if (!tried.empty()) tried += "; ";
      tried += path + ": " + why;
      continue;
    }
    Result<CreateFn> create = Resolve(handle, path);
    if (!create.ok()) {
      ::dlclose(handle);  // nothing of it was used
      return create.error();
    }
    // The handle is deliberately never closed: the transport's code, vtable and server threads
    // live in the module, and nothing is gained by unloading it before exit.
    return std::unique_ptr<HttpTransport>((*create)());
  }
  return NotFoundError(std::string("cannot load the viewer's HTTP module ") + kHttpModuleName +
                       " (tried " + tried + "): " + kReinstallHint);
}

}  // namespace fgm::server
