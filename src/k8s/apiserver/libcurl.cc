// SPDX-License-Identifier: Apache-2.0
// dlopen + dlsym for the LibCurl table (see libcurl.h): the one place that knows libcurl is loaded
// at run time, so that the binary's link line and `ldd` carry no libcurl.
#include "k8s/apiserver/libcurl.h"

#include <dlfcn.h>

#include <utility>

namespace fgm::k8s::apiserver {
namespace {

// Why "libcurl.so.4": the SONAME every libcurl since 7.16 (2006) has, and the file the runtime
// package (libcurl4) installs; the unversioned libcurl.so comes only with the -dev package.
constexpr char kLibCurlSoname[] = "libcurl.so.4";

// Why this text: the error ends up on `fgm monitor`'s stderr on a host without libcurl, and the
// fix is a package install, not a flag.
constexpr char kInstallHint[] =
    "install it with scripts/setup.sh or apt-get install libcurl4 (the OpenSSL flavour)";

Status ResolveAll(void* handle, const std::string& soname, LibCurl* t) {
  Status status;
  // The cast from dlsym's void* to a function pointer is what POSIX requires to work.
  auto get = [&]<typename F>(F* slot, const char* name) {
    if (!status.ok()) return;
    void* sym = ::dlsym(handle, name);
    if (sym == nullptr) {
      const char* why = ::dlerror();
      status =
          UnsupportedError(soname + " has no " + name + " (" + (why ? why : "symbol not found") +
                           "; libcurl too old?): " + kInstallHint);
      return;
    }
    *slot = reinterpret_cast<F>(sym);
  };
  get(&t->global_init, "curl_global_init");
  get(&t->easy_init, "curl_easy_init");
  get(&t->easy_setopt, "curl_easy_setopt");
  get(&t->easy_getinfo, "curl_easy_getinfo");
  get(&t->easy_perform, "curl_easy_perform");
  get(&t->easy_cleanup, "curl_easy_cleanup");
  get(&t->easy_strerror, "curl_easy_strerror");
  get(&t->easy_escape, "curl_easy_escape");
  get(&t->free, "curl_free");
  get(&t->slist_append, "curl_slist_append");
  get(&t->slist_free_all, "curl_slist_free_all");
  get(&t->multi_init, "curl_multi_init");
  get(&t->multi_add_handle, "curl_multi_add_handle");
  get(&t->multi_remove_handle, "curl_multi_remove_handle");
  get(&t->multi_perform, "curl_multi_perform");
  get(&t->multi_poll, "curl_multi_poll");
  get(&t->multi_wakeup, "curl_multi_wakeup");
  get(&t->multi_info_read, "curl_multi_info_read");
  get(&t->multi_cleanup, "curl_multi_cleanup");
  return status;
}

Result<LibCurl> Open(const std::string& soname) {
  // RTLD_NOW: a missing dependency fails here, with a message, not at the first call.
  // RTLD_LOCAL: curl's symbols do not become visible to (or clash with) anything loaded later.
  void* handle = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return NotFoundError("cannot load " + soname + " (" + (why ? why : "dlopen failed") +
                         "): " + kInstallHint);
  }
  LibCurl t;
  Status s = ResolveAll(handle, soname, &t);
  if (!s.ok()) {
    ::dlclose(handle);
    return s;
  }
  // The handle is deliberately never closed: curl keeps global state (TLS, DNS threads) that must
  // outlive every handle, and nothing is gained by unloading at exit.
  return t;
}

}  // namespace

Result<LibCurl> OpenLibCurlForTesting(const std::string& soname) { return Open(soname); }

Result<const LibCurl*> LoadLibCurl() {
  // A function-local static: initialised exactly once even when threads race (C++11), and a
  // failure is kept too, since a library that is missing now stays missing.
  static const Result<const LibCurl*> loaded = []() -> Result<const LibCurl*> {
    FGM_ASSIGN_OR_RETURN(LibCurl t, Open(kLibCurlSoname));
    CURLcode rc = t.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
      return UnsupportedError(std::string("curl_global_init failed: ") + t.easy_strerror(rc));
    }
    static const LibCurl table = t;
    return &table;
  }();
  return loaded;
}

}  // namespace fgm::k8s::apiserver
