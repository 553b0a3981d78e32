// SPDX-License-Identifier: Apache-2.0
// Loading fgm-http.so, the module that holds the cpp-httplib transport (see http_transport.h), with
// dlopen on first use, so that only `fgm viewer` maps cpp-httplib and the libraries it links.
//
//   FGM_ASSIGN_OR_RETURN(std::unique_ptr<HttpTransport> t, NewHttpTransport(""));
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "server/http_transport.h"

namespace fgm::server {

/// The module's file name, as installed beside the fgm binary.
inline constexpr char kHttpModuleName[] = "fgm-http.so";

/// Where the module is looked for when no path is given: <dir of /proc/self/exe>/fgm-http.so, then
/// <that dir>/../lib/fgm/fgm-http.so. Empty when /proc/self/exe cannot be read.
std::vector<std::string> DefaultHttpModulePaths();

/// A new transport from the module at `module_path`, or from the first of DefaultHttpModulePaths()
/// that loads when `module_path` is empty. The module is dlopen()ed (RTLD_NOW | RTLD_LOCAL) and
/// never closed: the transport's vtable and threads live in it. kNotFound when no candidate loads,
/// kUnsupported when one loads but lacks the factory or was built for another ABI version; the
/// message names every path tried, dlerror()'s reason and how to fix it. Thread-safe.
Result<std::unique_ptr<HttpTransport>> NewHttpTransport(const std::string& module_path);

}  // namespace fgm::server
