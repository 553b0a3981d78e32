// SPDX-License-Identifier: Apache-2.0
// Checks that the embedded UI is the real esbuild output: every asset is present with the right
// content type, the page references the bundle by relative path, and nothing points at a CDN.
#include "webui/assets.h"

#include <gtest/gtest.h>

namespace fgm::webui {
namespace {

TEST(WebUiAssets, FindsTheThreeFiles) {
  const Asset* html = FindAsset("/index.html");
  const Asset* js = FindAsset("/app.js");
  const Asset* css = FindAsset("/app.css");
  ASSERT_NE(html, nullptr);
  ASSERT_NE(js, nullptr);
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(html->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(AllAssets().size(), 3u);
}

TEST(WebUiAssets, UnknownPathsAreNotFound) {
  EXPECT_EQ(FindAsset("/"), nullptr);
  EXPECT_EQ(FindAsset("index.html"), nullptr);
  EXPECT_EQ(FindAsset("/app.js.map"), nullptr);
  EXPECT_EQ(FindAsset(""), nullptr);
}

TEST(WebUiAssets, PageLoadsTheBundleLocally) {
  const std::string_view html = FindAsset("/index.html")->data;
  EXPECT_NE(html.find("<!doctype html>"), std::string_view::npos);
  EXPECT_NE(html.find("app.js"), std::string_view::npos);
  EXPECT_NE(html.find("app.css"), std::string_view::npos);
}

TEST(WebUiAssets, BundleContainsUplotAndNoRemoteReferences) {
  const std::string_view js = FindAsset("/app.js")->data;
  // uPlot's CSS class prefix survives minification; a bundle without it did not include uPlot.
  EXPECT_NE(FindAsset("/app.css")->data.find(".uplot"), std::string_view::npos);
  EXPECT_GT(js.size(), 20000u);
  for (const Asset& asset : AllAssets()) {
    for (std::string_view cdn : {"cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis"}) {
      EXPECT_EQ(asset.data.find(cdn), std::string_view::npos) << asset.path << " mentions " << cdn;
    }
  }
}

}  // namespace
}  // namespace fgm::webui
