// SPDX-License-Identifier: Apache-2.0
// Development helper: opens a viewer URL in headless Chromium and saves a screenshot.
//   node web/test/shot_dev.mjs URL OUT.png
import { chromium } from "playwright-core";
const [url, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.on("console", (m) => console.log("console:", m.type(), m.text()));
page.on("pageerror", (e) => console.log("pageerror:", e.message));
await page.goto(url);
await page.waitForFunction(() => document.body.dataset.busy === "0", null, { timeout: 60000 }).catch(() => {});
await page.waitForTimeout(300);
await page.screenshot({ path: out, fullPage: false });
await browser.close();
