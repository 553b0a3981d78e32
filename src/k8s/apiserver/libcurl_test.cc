// SPDX-License-Identifier: Apache-2.0
// The libcurl loader against the real libcurl.so.4: the table works (escape, strerror, an easy
// handle), it is loaded once and shared between threads, the library really is mapped only by
// dlopen, and a missing library or function gives an error that says what to install.
#include "k8s/apiserver/libcurl.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/file.h"

namespace fgm::k8s::apiserver {
namespace {

TEST(LibCurlTest, LoadsOnceAndEveryFunctionIsResolved) {
  Result<const LibCurl*> lib = LoadLibCurl();
  ASSERT_TRUE(lib.ok()) << lib.error().ToString();
  const LibCurl* t = *lib;
  for (bool resolved :
       {t->global_init != nullptr, t->easy_init != nullptr, t->easy_setopt != nullptr,
        t->easy_getinfo != nullptr, t->easy_perform != nullptr, t->easy_cleanup != nullptr,
        t->easy_strerror != nullptr, t->easy_escape != nullptr, t->free != nullptr,
        t->slist_append != nullptr, t->slist_free_all != nullptr, t->multi_init != nullptr,
        t->multi_add_handle != nullptr, t->multi_remove_handle != nullptr,
        t->multi_perform != nullptr, t->multi_poll != nullptr, t->multi_wakeup != nullptr,
        t->multi_info_read != nullptr, t->multi_cleanup != nullptr}) {
    EXPECT_TRUE(resolved);
  }
  Result<const LibCurl*> again = LoadLibCurl();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, t);
}

TEST(LibCurlTest, TableCallsTheRealLibrary) {
  Result<const LibCurl*> lib = LoadLibCurl();
  ASSERT_TRUE(lib.ok()) << lib.error().ToString();
  const LibCurl& curl = **lib;
  CURL* h = curl.easy_init();
  ASSERT_NE(h, nullptr);
  // The pod watcher's field selector, with the characters a URL query must escape ('=', ' ', '/'
  // and a UTF-8 'ü'); unreserved ones ('.', '-') stay.
  const std::string in = "spec.nodeName=worker 1/\xc3\xbc-x";
  char* e = curl.easy_escape(h, in.c_str(), static_cast<int>(in.size()));
  ASSERT_NE(e, nullptr);
  EXPECT_STREQ(e, "spec.nodeName%3Dworker%201%2F%C3%BC-x");
  curl.free(e);
  // Variadic calls through the table: a real option is accepted, a bogus one refused.
  EXPECT_EQ(curl.easy_setopt(h, CURLOPT_URL, "https://127.0.0.1:1/"), CURLE_OK);
  EXPECT_EQ(curl.easy_setopt(h, static_cast<CURLoption>(99999), 1L), CURLE_UNKNOWN_OPTION);
  long code = -1;
  EXPECT_EQ(curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
  EXPECT_EQ(code, 0);  // nothing transferred yet
  curl.easy_cleanup(h);
  EXPECT_STREQ(curl.easy_strerror(CURLE_OK), "No error");

  curl_slist* list = curl.slist_append(nullptr, "Accept: application/json");
  ASSERT_NE(list, nullptr);
  EXPECT_STREQ(list->data, "Accept: application/json");
  curl.slist_free_all(list);
}

TEST(LibCurlTest, LibraryIsMappedByTheLoader) {
  ASSERT_TRUE(LoadLibCurl().ok());
  // Why 4 MiB: /proc/self/maps of a test binary is a few hundred lines; the cap only bounds a read.
  Result<std::string> maps = ReadFileToString("/proc/self/maps", 4 << 20);
  ASSERT_TRUE(maps.ok()) << maps.error().ToString();
  EXPECT_NE(maps->find("/libcurl.so.4"), std::string::npos);
}

TEST(LibCurlTest, ConcurrentFirstUseGivesOneTable) {
  // Why 8: more threads than cores, so some really race on the function-local static.
  constexpr int kThreads = 8;
  std::vector<const LibCurl*> seen(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&seen, i] {
      Result<const LibCurl*> lib = LoadLibCurl();
      if (lib.ok()) seen[i] = *lib;
    });
  }
  for (std::thread& t : threads) t.join();
  for (const LibCurl* p : seen) {
    EXPECT_NE(p, nullptr);
    EXPECT_EQ(p, seen[0]);
  }
}

TEST(LibCurlTest, MissingLibrarySaysWhatToInstall) {
  Result<LibCurl> lib = OpenLibCurlForTesting("libfgm-no-such-curl.so.4");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.error().code(), StatusCode::kNotFound);
  const std::string& m = lib.error().message();
  EXPECT_NE(m.find("cannot load libfgm-no-such-curl.so.4 ("), std::string::npos) << m;
  EXPECT_NE(m.find("No such file"), std::string::npos) << m;  // dlerror() is passed on
  EXPECT_NE(m.find("scripts/setup.sh"), std::string::npos) << m;
  EXPECT_NE(m.find("apt-get install libcurl4"), std::string::npos) << m;
}

TEST(LibCurlTest, LibraryWithoutCurlFunctionsIsRefused) {
  // zlib is always present (FGM and libcurl both need it) and exports no curl_* function.
  Result<LibCurl> lib = OpenLibCurlForTesting("libz.so.1");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.error().code(), StatusCode::kUnsupported);
  const std::string& m = lib.error().message();
  EXPECT_NE(m.find("libz.so.1 has no curl_global_init"), std::string::npos) << m;
  EXPECT_NE(m.find("apt-get install libcurl4"), std::string::npos) << m;
}

TEST(LibCurlTest, OpenResolvesTheSameFunctionsAsLoad) {
  Result<const LibCurl*> loaded = LoadLibCurl();
  ASSERT_TRUE(loaded.ok());
  Result<LibCurl> opened = OpenLibCurlForTesting("libcurl.so.4");
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  // dlopen of an already loaded library returns the same mapping, hence the same addresses.
  EXPECT_EQ(opened->easy_init, (*loaded)->easy_init);
  EXPECT_EQ(opened->multi_wakeup, (*loaded)->multi_wakeup);
}

}  // namespace
}  // namespace fgm::k8s::apiserver
