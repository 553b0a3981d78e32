// SPDX-License-Identifier: Apache-2.0
// A module that stands for fgm-http.so from another build: it reports an ABI version no fgm
// needs, and its factory must never be called (server_test checks the loader refuses it first).
#include <cstdlib>

extern "C" {
__attribute__((visibility("default"))) int fgm_http_transport_abi_version() { return 0; }
__attribute__((visibility("default"))) void* fgm_http_transport_create() { std::abort(); }
}
