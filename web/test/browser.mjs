// SPDX-License-Identifier: Apache-2.0
// Shared by the UI's browser tests and benchmarks: Debian chromium through playwright-core with
// the flags from toolchain-notes.md, and starting `fgm viewer` on a dataset.
import { spawn } from "node:child_process";
import { chromium } from "playwright-core";

export const kChromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.FGM_CHROMIUM ?? "/usr/bin/chromium", args: kChromiumArgs });
}

/// Starts `fgm viewer DIR --port 0 --no-browser` and resolves with its URL (the first http:// URL
/// it prints). Rejects if it exits first or prints none within `timeoutMs`.
export function startViewer(fgm, dir, extraArgs = [], timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const proc = spawn(fgm, ["viewer", dir, "--port", "0", "--no-browser", ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => {
      proc.kill("SIGTERM");
      reject(new Error(`fgm viewer printed no URL within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d) => {
      out += d;
      const m = /(http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const url = m[1].endsWith("/") ? m[1] : m[1] + "/";
        resolve({ proc, url, output: () => out });
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fgm viewer exited with ${code} before printing its URL:\n${out}`));
    });
  });
}

export function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out}`))));
  });
}

export function stopProcess(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.on("exit", () => resolve());
    proc.kill("SIGTERM");
    setTimeout(() => proc.kill("SIGKILL"), 5000).unref();
  });
}

/// Counts "ink" pixels on every canvas under `selector`: saturated colours (series, events,
/// overlays), not the greys of axes and grid. A blank or axes-only chart counts ~0.
export async function countInk(page, selector) {
  return page.evaluate((sel) => {
    let n = 0;
    for (const c of document.querySelectorAll(`${sel} canvas`)) {
      const ctx = c.getContext("2d");
      if (!ctx || !c.width || !c.height) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) {
        const mx = Math.max(d[i], d[i + 1], d[i + 2]);
        const mn = Math.min(d[i], d[i + 1], d[i + 2]);
        if (d[i + 3] > 100 && mx - mn > 60) n++;
      }
    }
    return n;
  }, selector);
}
