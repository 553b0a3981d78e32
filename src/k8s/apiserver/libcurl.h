// SPDX-License-Identifier: Apache-2.0
// libcurl, loaded with dlopen on first use instead of linked. Linking -lcurl maps libcurl and its
// ~25 dependencies (gnutls via librtmp, krb5, ldap, ssh2, nghttp2, p11-kit ...) and runs their
// constructors in every process, ~6 MiB of RSS that `fgm monitor` pays even when it never talks to
// an API server. Only the HTTP clients (the pod watcher, cluster probes) call LoadLibCurl().
#pragma once

#include <curl/curl.h>

#include <string>

#include "core/result.h"

namespace fgm::k8s::apiserver {

/// The libcurl functions FGM uses, resolved from libcurl.so.4. The names drop the `curl_` prefix
/// (`easy_setopt` is curl_easy_setopt): curl's own names are macros under GCC (typecheck-gcc.h),
/// which would expand `table->curl_easy_setopt(...)`. The variadic ones (easy_setopt,
/// easy_getinfo) take the same arguments as the real functions, without curl's compile-time type
/// checks, so pass `long` and pointers exactly as the libcurl manual says. Immutable once built;
/// safe to share between threads (libcurl's own rules on handles still apply).
struct LibCurl {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_easy_escape) easy_escape = nullptr;
  decltype(&curl_free) free = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
  decltype(&curl_multi_init) multi_init = nullptr;
  decltype(&curl_multi_add_handle) multi_add_handle = nullptr;
  decltype(&curl_multi_remove_handle) multi_remove_handle = nullptr;
  decltype(&curl_multi_perform) multi_perform = nullptr;
  decltype(&curl_multi_poll) multi_poll = nullptr;
  decltype(&curl_multi_wakeup) multi_wakeup = nullptr;
  decltype(&curl_multi_info_read) multi_info_read = nullptr;
  decltype(&curl_multi_cleanup) multi_cleanup = nullptr;
};

/// The process-wide table. The first call dlopen()s "libcurl.so.4" (RTLD_NOW | RTLD_LOCAL),
/// resolves every function and runs curl_global_init(CURL_GLOBAL_DEFAULT); later calls return the
/// same result (success or failure) at once. The library is never unloaded. Thread-safe.
/// kNotFound when libcurl.so.4 cannot be loaded, kUnsupported when it lacks a function; both
/// messages say how to install it. Usage:
///
///   FGM_ASSIGN_OR_RETURN(const LibCurl* curl, LoadLibCurl());
///   CURL* h = curl->easy_init();
Result<const LibCurl*> LoadLibCurl();

/// What LoadLibCurl() does for `soname`, minus curl_global_init and the caching: each call opens
/// the library again (dlopen reference counts it) and the handle is kept. Same error codes.
Result<LibCurl> OpenLibCurlForTesting(const std::string& soname);

}  // namespace fgm::k8s::apiserver
