// Benchmark: the CPU time of one frame of the case board with many cases loaded.
//
//   node bench_board.mjs [--server PATH] [--web-root DIR] [--cases N] [--data DIR]
//
// Starts pcs-server on 127.0.0.1 with N demo cases (default 50,000; a --data folder from an
// earlier run is reused, which skips the generation), signs in as the city reviewer (who sees
// every case), widens the window so every state column is on screen, makes every column load
// all its pages (Module._pcs_test_load_everything), then reads the client's own frame timer
// (window.pcsFrameStats: layout and draw-list building on the CPU, not the software GPU) while
// idle and while scrolling. Prints the figures; run through tools/bench-board.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const kHere = path.dirname(fileURLToPath(import.meta.url));
const kRoot = path.resolve(kHere, "../..");
const opts = { server: path.join(kRoot, "build/server/pcs-server"),
               webRoot: path.join(kRoot, "build-web/web"), cases: 50000, data: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const v = () => argv[++i];
  if (argv[i] === "--server") opts.server = path.resolve(v());
  else if (argv[i] === "--web-root") opts.webRoot = path.resolve(v());
  else if (argv[i] === "--cases") opts.cases = Number(v());
  else if (argv[i] === "--data") opts.data = path.resolve(v());
  else throw new Error(`unknown argument ${argv[i]}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => console.log(`bench-board: ${m}`);

const port = await new Promise((resolve) => {
  const probe = net.createServer();
  probe.listen(0, "127.0.0.1", () => {
    const p = probe.address().port;
    probe.close(() => resolve(p));
  });
});
const dataDir = opts.data ?? mkdtempSync(path.join(os.tmpdir(), "pcs-bench-board-"));
const reuse = existsSync(path.join(dataDir, "pcs.db"));
const started = Date.now();
const child = spawn(opts.server, ["--host", "127.0.0.1", "--port", String(port), "--data", dataDir,
  "--web-root", opts.webRoot, "--demo-cases", String(opts.cases)], { stdio: "ignore" });
const base = `http://127.0.0.1:${port}`;
try {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pcs-server exited ${child.exitCode}`);
    try { if ((await fetch(`${base}/api/v1/health`)).ok) break; } catch { /* starting */ }
    if (Date.now() - started > 30 * 60_000) throw new Error("server did not start in 30 min");
    await sleep(500);
  }
  log(`server ready in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (reuse ? " (reused data)" : ` (generated ${opts.cases} demo cases) in ${dataDir}`));

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: [
    "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] });
  const context = await browser.newContext({ viewport: { width: 2000, height: 1000 } });
  const page = await context.newPage();
  await page.goto(base + "/");
  await page.waitForFunction(() => window.pcsReady === true, null, { timeout: 120_000 });
  const at = async (name) => {
    const found = await page.waitForFunction(
        (n) => window.pcsWidget && window.pcsWidget(n), name, { timeout: 60_000 });
    return found.jsonValue();
  };
  const click = async (name) => {
    const r = await at(name);
    await page.mouse.click(r.x + 10, r.y + r.h / 2);
  };
  await click("login.username"); await page.keyboard.type("city.reviewer");
  await click("login.password"); await page.keyboard.type("demo-2025-pcs");
  await click("login.submit");
  await at("board.column.closed");
  const loadStart = Date.now();
  await page.evaluate(() => window.Module._pcs_test_load_everything());
  await page.waitForFunction(() => window.pcsBoardStats && window.pcsBoardStats.total > 0 &&
                             window.pcsBoardStats.loaded >= window.pcsBoardStats.total,
                             null, { timeout: 20 * 60_000, polling: 500 });
  const stats = await page.evaluate(() => window.pcsBoardStats);
  const loadSeconds = ((Date.now() - loadStart) / 1000).toFixed(1);
  log(`board holds ${stats.loaded} of ${stats.total} cases (loaded in ${loadSeconds} s)`);

  const frames = async () => {
    await sleep(3000);
    return page.evaluate(() => window.pcsFrameStats);
  };
  const idle = await frames();
  const col = await at("board.column.closed");
  const scroller = (async () => {
    for (let i = 0; i < 60; i++) {
      await page.mouse.move(col.x + 50, col.y + 300);
      await page.mouse.wheel(0, 2000);
      await sleep(50);
    }
  })();
  const scrolling = await frames();
  await scroller;
  const fmt = (s) => `avg ${s.avgMs.toFixed(2)} ms, p95 ${s.p95Ms.toFixed(2)} ms, ` +
                     `max ${s.maxMs.toFixed(2)} ms over the last 120 frames`;
  log(`frame CPU idle:      ${fmt(idle)}`);
  log(`frame CPU scrolling: ${fmt(scrolling)}`);
  await browser.close();
} finally {
  process.kill(child.pid, "SIGTERM");
}
