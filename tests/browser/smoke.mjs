// Browser smoke test: the built client starts in headless Chromium, served by our own server.
//
//   node smoke.mjs [--server PATH] [--web-root DIR] [--out DIR]
//
// Starts build/server/pcs-server on 127.0.0.1 (a free port, a temporary --data folder, no demo
// data), opens the page at device pixel ratios 1 and 2 and, for each, checks that:
//   * the client draws its first frame (window.pcsReady) within kReadyTimeoutMs,
//   * the page reports no uncaught error, console error, failed or refused request,
//   * the loading indicator is gone and no error card is shown,
//   * the client's (WebAssembly) calendar answer for today equals the server's (native) one.
// A screenshot per ratio goes to out/ whether the test passes or fails.
//
// Exit status: 0 passed, 1 failed, 77 skipped (no web build: tools/build --native).
// Every request goes to 127.0.0.1; anything else is blocked and counted as a failure.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const kHere = path.dirname(fileURLToPath(import.meta.url));
const kRoot = path.resolve(kHere, "../..");
const kChromium = "/usr/bin/chromium";
const kReadyTimeoutMs = 60_000;     // first frame, including the font atlas build
const kServerStartTimeoutMs = 15_000;
const kSkipped = 77;                // CTest's SKIP_RETURN_CODE

// Chromium as root, offline, with WebGL2 on the software (SwiftShader) GPU.
const kChromiumArgs = [
  "--no-sandbox",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  // Belt and braces: no host name resolves, so nothing can leave the machine.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

function parseArgs(argv) {
  const args = {
    server: path.join(kRoot, "build/server/pcs-server"),
    webRoot: path.join(kRoot, "build-web/web"),
    out: path.join(kHere, "out"),
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    if (argv[i] === "--server") args.server = path.resolve(value());
    else if (argv[i] === "--web-root") args.webRoot = path.resolve(value());
    else if (argv[i] === "--out") args.out = path.resolve(value());
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

function log(message) {
  console.log(`smoke: ${message}`);
}

// A port the kernel says is free right now (the server cannot report the one it picked).
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Starts the server and waits until /api/v1/health answers. Returns { child, base, output }.
async function startServer(args) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pcs-smoke-"));
  const output = [];
  const child = spawn(args.server, [
    "--host", "127.0.0.1", "--port", String(port),
    "--data", dataDir, "--web-root", args.webRoot, "--empty",
  ], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (chunk) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk) => output.push(chunk.toString()));
  let exited = null;
  child.once("exit", (code, signal) => { exited = signal ?? code; });

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + kServerStartTimeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(`pcs-server exited (${exited}) before answering:\n${output.join("")}`);
    }
    try {
      const response = await fetch(`${base}/api/v1/health`);
      if (response.ok) return { child, base, dataDir, output };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`pcs-server did not answer on ${base} within ${kServerStartTimeoutMs} ms`);
}

// Ends the server this test started, by its pid: SIGTERM, then SIGKILL if it hangs.
async function stopServer(server) {
  if (!server) return;
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(child.pid, "SIGTERM");
    const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
    if (timedOut) {
      log(`pcs-server (pid ${child.pid}) ignored SIGTERM; killing it`);
      process.kill(child.pid, "SIGKILL");
      await exited;
    }
  }
  rmSync(server.dataDir, { recursive: true, force: true });
}

// Today's date in China Standard Time (UTC+8, no daylight saving), as YYYY-MM-DD.
function cstToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// Opens the client at `pixelRatio` and checks it; returns a list of problems (empty = pass).
async function checkPage(browser, base, pixelRatio, screenshotPath) {
  const problems = [];
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: pixelRatio,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  const where = `[ratio ${pixelRatio}]`;
  const signedOutCheck = { seen: false };

  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.origin === base) return route.continue();
    problems.push(`${where} blocked a request outside the test server: ${url.href}`);
    return route.abort();
  });
  page.on("pageerror", (error) => problems.push(`${where} uncaught error: ${error.message}`));
  page.on("console", (message) => {
    // The client asks /auth/me whether a session is open; without one the answer is 401, which
    // the browser logs as a failed resource. That one is expected; any other error is not.
    const expected401 = message.text().includes("status of 401") && signedOutCheck.seen;
    if (message.type() === "error" && !expected401)
      problems.push(`${where} console error: ${message.text()}`);
    else log(`${where} console.${message.type()}: ${message.text()}`);
  });
  page.on("requestfailed", (request) => {
    problems.push(`${where} request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on("response", (response) => {
    if (response.status() === 401 && new URL(response.url()).pathname === "/api/v1/auth/me") {
      signedOutCheck.seen = true;
    } else if (response.status() >= 400) {
      problems.push(`${where} HTTP ${response.status()} for ${response.url()}`);
    }
  });

  try {
    const started = Date.now();
    await page.goto(`${base}/`, { waitUntil: "load" });
    try {
      await page.waitForFunction(() => window.pcsReady === true || !!window.pcsFailed,
                                 null, { timeout: kReadyTimeoutMs, polling: 100 });
    } catch {
      problems.push(`${where} no first frame within ${kReadyTimeoutMs} ms`);
    }
    const state = await page.evaluate(() => ({
      ready: window.pcsReady === true,
      readyMs: window.pcsReadyMs,
      loadingHidden: document.getElementById("loading").hidden,
      errorShown: !document.getElementById("error").hidden,
      errorText: document.getElementById("error").innerText,
      today: window.pcsToday,
    }));
    if (state.ready) {
      log(`${where} first frame ${Math.round(state.readyMs)} ms after navigation start ` +
          `(${Date.now() - started} ms wall clock including page load)`);
    }
    if (state.ready && !state.loadingHidden)
      problems.push(`${where} loading indicator still shown`);
    if (state.errorShown) problems.push(`${where} error card shown: ${state.errorText}`);

    // The same date through two builds of common/: WebAssembly in the page, native in the server.
    if (state.ready) {
      const today = state.today;
      if (!today) {
        problems.push(`${where} window.pcsToday not set`);
      } else {
        const expectedDate = cstToday();
        if (today.date !== expectedDate) {
          problems.push(`${where} client says today is ${today.date}, CST says ${expectedDate}`);
        }
        const server = await (await fetch(`${base}/api/v1/calendar/${today.date}`)).json();
        if (server.kind !== today.kind || server.working !== today.working ||
            server.provisional !== today.provisional) {
          problems.push(`${where} client ${JSON.stringify(today)} != server ` +
                        JSON.stringify(server));
        } else {
          log(`${where} today ${today.date}: ${today.kind}, working=${today.working} ` +
              "(client and server agree)");
        }
      }
    }

    // A few more frames, so the screenshot shows the settled screen.
    await sleep(300);
  } finally {
    try {
      await page.screenshot({ path: screenshotPath });
      log(`${where} screenshot ${path.relative(process.cwd(), screenshotPath)}`);
    } catch (error) {
      problems.push(`${where} screenshot failed: ${error.message}`);
    }
    await context.close();
  }
  return problems;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(args.webRoot, "pcs_client.js"))) {
    log(`skipped: no browser client in ${args.webRoot} (build it with tools/build)`);
    return kSkipped;
  }
  if (!existsSync(args.server)) throw new Error(`no server binary at ${args.server}`);
  if (!existsSync(kChromium)) throw new Error(`${kChromium} not found (run tools/setup)`);

  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    throw new Error("playwright-core is not installed in tests/browser (run tools/setup)");
  }
  mkdirSync(args.out, { recursive: true });

  let server = null;
  let browser = null;
  const problems = [];
  try {
    server = await startServer(args);
    log(`pcs-server pid ${server.child.pid} on ${server.base}`);
    browser = await chromium.launch({
      executablePath: kChromium,
      headless: true,
      args: kChromiumArgs,
      timeout: 30_000,
    });
    for (const ratio of [1, 2]) {
      const shot = path.join(args.out, ratio === 1 ? "smoke.png" : `smoke@${ratio}x.png`);
      problems.push(...await checkPage(browser, server.base, ratio, shot));
    }
  } finally {
    if (browser) await browser.close();
    await stopServer(server);
  }

  if (problems.length) {
    for (const p of problems) console.error(`smoke: FAIL ${p}`);
    if (server?.output.length) console.error(`pcs-server output:\n${server.output.join("")}`);
    return 1;
  }
  log("passed");
  return 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`smoke: FAIL ${error.stack || error}`);
  process.exit(1);
});
