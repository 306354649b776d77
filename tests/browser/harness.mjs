// Shared harness of the browser tests: our own server on 127.0.0.1, headless Debian Chromium
// through playwright-core, and helpers that click and type on the ImGui canvas by widget name.
//
// A test file builds a suite and runs it:
//
//   import { runSuite, expect } from "./harness.mjs";
//   runSuite("login", { demo: true }, [
//     ["typed name lands in the field", async ({ open }) => {
//       const app = await open({ pixelRatio: 2 });
//       await app.typeInto("login.username", "c01.clerk");
//       await app.waitField("c01.clerk");
//     }],
//   ]);
//
// Command line of every suite: node FILE.mjs [--server PATH] [--web-root DIR] [--out DIR]
//   [--only SUBSTRING]. Exit status 0 passed, 1 failed, 77 skipped (no web build).
//
// Per test: the pages it opened are screenshot to <out>/<suite>--<test>[-N].png when it fails;
// a page's uncaught errors, console errors, failed requests and HTTP errors fail the test unless
// it opened the page with { allowErrors: true }. Every request outside the test server is
// blocked (and fails the test). Each test gets its own browser context (fresh cookies, cache).

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const kHere = path.dirname(fileURLToPath(import.meta.url));
export const kRoot = path.resolve(kHere, "../..");
export const kChromium = "/usr/bin/chromium";
export const kSkipped = 77;  // CTest's SKIP_RETURN_CODE
export const kReadyTimeoutMs = 60_000;  // first frame, including the font atlas build
const kServerStartTimeoutMs = 15_000;
const kWidgetTimeoutMs = 10_000;

// Chromium as root, offline, with WebGL2 on the software (SwiftShader) GPU.
export const kChromiumArgs = [
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

export function parseArgs(argv) {
  const args = {
    server: path.join(kRoot, "build/server/pcs-server"),
    webRoot: path.join(kRoot, "build-web/web"),
    out: path.join(kHere, "out"),
    only: "",
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    if (argv[i] === "--server") args.server = path.resolve(value());
    else if (argv[i] === "--web-root") args.webRoot = path.resolve(value());
    else if (argv[i] === "--out") args.out = path.resolve(value());
    else if (argv[i] === "--only") args.only = value();
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// A port the kernel says is free right now (the server cannot report the one it picked).
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Starts pcs-server on 127.0.0.1 with a temporary data folder and waits for /api/v1/health.
//   demo: false = --empty (no demo city), true = demo city with its cases, a number = the demo
//   city with that many cases (--demo-cases N); extraArgs: more flags, passed as they are.
// Returns { base, port, pid, output, stop() }; stop() ends it by pid and removes the folder.
export async function startServer({ server, webRoot, demo = false, extraArgs = [] }) {
  if (!existsSync(server)) throw new Error(`no server binary at ${server}`);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pcs-browser-"));
  const flags = ["--host", "127.0.0.1", "--port", String(port), "--data", dataDir,
                 "--web-root", webRoot];
  if (demo === false) flags.push("--empty");
  else if (typeof demo === "number") flags.push("--demo-cases", String(demo));
  flags.push(...extraArgs);
  const output = [];
  const child = spawn(server, flags, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (chunk) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk) => output.push(chunk.toString()));
  let exited = null;
  child.once("exit", (code, signal) => { exited = signal ?? code; });

  const base = `http://127.0.0.1:${port}`;
  const handle = {
    base, port, pid: child.pid, output, dataDir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once("exit", resolve));
        process.kill(child.pid, "SIGTERM");
        const hung = await Promise.race([gone.then(() => false), sleep(5000).then(() => true)]);
        if (hung) {
          process.kill(child.pid, "SIGKILL");
          await gone;
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + kServerStartTimeoutMs * (demo === false ? 1 : 4);
  while (Date.now() < deadline) {
    if (exited !== null) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`pcs-server exited (${exited}) before answering:\n${output.join("")}`);
    }
    try {
      const response = await fetch(`${base}/api/v1/health`);
      if (response.ok) return handle;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await handle.stop();
  throw new Error(`pcs-server did not answer on ${base} in time:\n${output.join("")}`);
}

export async function launchBrowser() {
  if (!existsSync(kChromium)) throw new Error(`${kChromium} not found (run tools/setup)`);
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    throw new Error("playwright-core is not installed in tests/browser (npm ci there)");
  }
  return chromium.launch({ executablePath: kChromium, headless: true, args: kChromiumArgs,
                           timeout: 30_000 });
}

// Logs in through the API (Node's fetch, not the page) and returns { get(path), post(path,
// body), patch(path, body), send(method, path, body), user }: for tests that read the server's
// data. `path` is below /api/v1. get, post and patch throw on an HTTP error and answer the
// JSON; send answers { status, json } whatever the status, for refusals a test provokes.
export async function apiLogin(base, login, password = "demo-2025-pcs") {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ login, password }),
  });
  if (!response.ok) {
    throw new Error(`login ${login}: HTTP ${response.status} ${await response.text()}`);
  }
  const cookie = response.headers.get("set-cookie").split(";")[0];
  const { user, csrf_token: csrf } = await response.json();
  const send = async (method, p, body) => {
    const r = await fetch(`${base}/api/v1${p}`, {
      method,
      headers: { Cookie: cookie, "X-CSRF-Token": csrf,
                 ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: text is reported */ }
    return { status: r.status, json, text };
  };
  const call = async (method, p, body) => {
    const r = await send(method, p, body);
    if (r.status >= 400) throw new Error(`${method} ${p}: HTTP ${r.status} ${r.text}`);
    return r.json;
  };
  return {
    user, send,
    get: (p) => call("GET", p), post: (p, body) => call("POST", p, body),
    patch: (p, body) => call("PATCH", p, body),
  };
}

// ---- steps many suites share, on an open client page (AppPage) -----------------------------

// Signs in through the sign-in card with a demo account and waits for the board's tab.
export async function signIn(app, login, password = "demo-2025-pcs") {
  await app.typeInto("login.username", login);
  await app.typeInto("login.password", password);
  await app.click("login.submit");
  await app.widget("tab.board");
}

// Text the way an input method commits it, into field `name`, replacing what it holds.
export async function imeInto(app, name, text) {
  await app.click(name);
  await poll(() => app.textFocused(), (v) => v, `text focus after clicking ${name}`);
  await app.page.keyboard.press("Control+A");
  await app.insertText(text);
}

// Every HTTP status >= 400 the page sees from now on, as "STATUS METHOD PATH", besides the
// start-up question whether a session is open (401 before sign-in, which may come before this
// starts listening): a test compares it with exactly the refusals it provoked.
export function watchRefusals(app) {
  const seen = [];
  app.page.on("response", (r) => {
    const pathname = new URL(r.url()).pathname;
    if (r.status() >= 400 && pathname !== "/api/v1/auth/me") {
      seen.push(`${r.status()} ${r.request().method()} ${pathname}`);
    }
  });
  return seen;
}

// Fails with `message` unless `condition` holds.
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// Polls `probe` (async, returns a value) until `accept(value)`; returns the value. On timeout
// throws with `what` and the last value seen.
export async function poll(probe, accept, what, timeoutMs = kWidgetTimeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`${what}: gave up after ${timeoutMs} ms (last seen ${JSON.stringify(last)})`);
    }
    await sleep(50);
  }
}

// One open client page and what it reported.
export class AppPage {
  constructor(page, context, base, label,
              { widgetTimeoutMs = kWidgetTimeoutMs, clickFromLeft = Infinity } = {}) {
    this.page = page;
    this.context = context;
    this.base = base;
    this.label = label;
    this.widgetTimeoutMs = widgetTimeoutMs;  // how long widget() waits unless told
    this.clickFromLeft = clickFromLeft;      // click()'s default fromLeft
    this.problems = [];  // errors that fail the test unless allowErrors
    this.console = [];   // every console message, for failure reports
  }

  // Waits for the first frame (window.pcsReady); throws if the page shows its error card.
  async waitReady(timeoutMs = kReadyTimeoutMs) {
    await this.page.waitForFunction(() => window.pcsReady === true || !!window.pcsFailed, null,
                                    { timeout: timeoutMs, polling: 100 });
    const state = await this.page.evaluate(() => ({
      ready: window.pcsReady === true,
      error: document.getElementById("error").innerText,
    }));
    if (!state.ready) throw new Error(`${this.label}: the page shows an error: ${state.error}`);
  }

  // Resolves after `count` more animation frames, so input sent before has been handled by
  // ImGui (its input queue hands over at most one key change per frame).
  async frames(count = 3) {
    await this.page.evaluate((n) => new Promise((resolve) => {
      const step = () => (--n <= 0 ? resolve() : requestAnimationFrame(step));
      requestAnimationFrame(step);
    }), count);
  }

  // The rectangle {x, y, w, h} (CSS pixels) where the client drew widget `name`; waits for it.
  // On timeout the error lists the widgets drawn in the last frame.
  async widget(name, timeoutMs = this.widgetTimeoutMs) {
    try {
      return await poll(
          () => this.page.evaluate((n) => (window.pcsWidget ? window.pcsWidget(n) : null), name),
          (rect) => rect !== null, `widget ${name}`, timeoutMs);
    } catch (e) {
      throw new Error(`${e.message}; drawn: ${(await this.names()).join(" ")}`);
    }
  }

  // Whether widget `name` was drawn in the last frame, without waiting.
  async hasWidget(name) {
    return this.page.evaluate((n) => !!(window.pcsWidget && window.pcsWidget(n)), name);
  }

  // The names of the widgets drawn in the last frame that start with `prefix`.
  async names(prefix = "") {
    const all = await this.page.evaluate(
        () => (window.pcsWidgetNames ? window.pcsWidgetNames() : []));
    return all.filter((n) => n.startsWith(prefix));
  }

  // Waits until widget `name` is no longer drawn.
  async gone(name, timeoutMs = this.widgetTimeoutMs) {
    return poll(() => this.hasWidget(name), (drawn) => !drawn, `widget ${name} gone`, timeoutMs);
  }

  // Clicks widget `name` with the real mouse: in its middle, or with { fromLeft: px } at most
  // that far from its left edge (a wide row or field whose middle may hold something else).
  async click(name, { fromLeft = this.clickFromLeft } = {}) {
    const rect = await this.widget(name);
    await this.page.mouse.click(rect.x + Math.min(rect.w / 2, fromLeft), rect.y + rect.h / 2);
    await this.frames(2);
    return rect;
  }

  // Whether one of the client's hidden key boxes (#text-input, or #password-input for a
  // password field) has the keyboard focus, i.e. a text field is active.
  async textFocused() {
    return this.page.evaluate(() => ["text-input", "password-input"].includes(
      document.activeElement?.id));
  }

  // Clicks text field `name`, waits until it takes text, and types `text` key by key.
  async typeInto(name, text) {
    await this.click(name);
    await poll(() => this.textFocused(), (v) => v, `text focus after clicking ${name}`);
    await this.page.keyboard.type(text);
    await this.frames(2);
  }

  // Replaces what text field `name` holds with `text`, typed key by key.
  async replaceText(name, text, clickOptions = {}) {
    await this.click(name, clickOptions);
    await poll(() => this.textFocused(), (v) => v, `text focus after clicking ${name}`);
    await this.page.keyboard.press("Control+A");
    await this.page.keyboard.type(text);
    await this.frames(2);
  }

  // Inserts `text` the way an input method commits it (input events only, no key events).
  async insertText(text) {
    await this.page.keyboard.insertText(text);
    await this.frames(2);
  }

  // The ImGui text field edited last: {text, length, active, password} (window.pcsDebugField;
  // text is null for a password field).
  async field() {
    return this.page.evaluate(() => (window.pcsDebugField ? window.pcsDebugField() : null));
  }

  // Waits until the last edited field holds exactly `text`.
  async waitField(text, timeoutMs = kWidgetTimeoutMs) {
    return poll(() => this.field(), (f) => f !== null && f.text === text,
                `field text ${JSON.stringify(text)}`, timeoutMs);
  }

  async screenshot(file) {
    await this.page.screenshot({ path: file });
  }
}

// Opens the client in a new browser context.
//   pixelRatio (1), viewport ({width: 1280, height: 800}), contextOptions (more Playwright
//   context options), permissions (granted to the server's origin), beforeGoto(page, context)
//   (e.g. to add routes), waitReady (true), allowErrors (false), expectedHttpErrors
//   ((status, pathname) => true for a refusal the test provokes on purpose: not a problem, nor
//   the console error the browser logs for it), expectedConsoleErrors ((text) => true for a
//   console error the test knows of and tolerates), widgetTimeoutMs (how long widget() waits),
//   clickFromLeft (click()'s default, see there), server (another server from startServer()
//   instead of the suite's).
async function openApp(browser, suiteServer, test, options = {}) {
  const server = options.server ?? suiteServer;
  const {
    pixelRatio = 1, viewport = { width: 1280, height: 800 }, contextOptions = {},
    permissions = [], beforeGoto = null, waitReady = true, allowErrors = false,
    expectedHttpErrors = () => false, expectedConsoleErrors = () => false,
    widgetTimeoutMs = kWidgetTimeoutMs,
    clickFromLeft = Infinity, path: pagePath = "/",
  } = options;
  const context = await browser.newContext({
    viewport, deviceScaleFactor: pixelRatio, locale: "zh-CN", timezoneId: "Asia/Shanghai",
    ...contextOptions,
  });
  if (permissions.length) await context.grantPermissions(permissions, { origin: server.base });
  const page = await context.newPage();
  const label = `${test.label} page ${test.apps.length + 1}`;
  const app = new AppPage(page, context, server.base, label, { widgetTimeoutMs, clickFromLeft });
  test.apps.push(app);
  test.contexts.push(context);
  const problem = (text) => { if (!allowErrors) app.problems.push(text); };
  // Expected refusals: the client asks /auth/me whether a session is open (401 when not), a
  // wrong password is a 401 from /auth/login, and those the test names. The browser logs each
  // as a failed resource ("... status of 401 ..."): that many such console errors are expected.
  const expected401 = new Set(["/api/v1/auth/me", "/api/v1/auth/login"]);
  const expectedRefusals = [];  // the statuses of refusals whose console error is still due

  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.origin === server.base) return route.fallback();
    app.problems.push(`blocked a request outside the test server: ${url.href}`);
    return route.abort();
  });
  page.on("pageerror", (error) => problem(`uncaught error: ${error.message}`));
  page.on("console", (message) => {
    app.console.push(`console.${message.type()}: ${message.text()}`);
    if (message.type() !== "error") return;
    const due = expectedRefusals.findIndex((s) => message.text().includes(`status of ${s}`));
    if (due >= 0) {
      expectedRefusals.splice(due, 1);
      return;
    }
    if (expectedConsoleErrors(message.text())) return;
    problem(`console error: ${message.text()}`);
  });
  page.on("requestfailed", (request) => {
    problem(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on("response", (response) => {
    const status = response.status();
    if (status < 400) return;
    const pathname = new URL(response.url()).pathname;
    if ((status === 401 && expected401.has(pathname)) || expectedHttpErrors(status, pathname)) {
      expectedRefusals.push(status);
      return;
    }
    problem(`HTTP ${status} for ${response.url()}`);
  });
  if (beforeGoto) await beforeGoto(page, context);
  await page.goto(`${server.base}${pagePath}`, { waitUntil: "load" });
  if (waitReady) await app.waitReady();
  return app;
}

// Runs `tests` ([name, async fn({ open, browser, server, args, outFile })] pairs) against one
// server (serverOptions: { demo, extraArgs }) and one browser, one after the other, and exits
// the process with the result. `open(options)` opens the client (see openApp above).
export function runSuite(suite, serverOptions, tests) {
  const log = (message) => console.log(`${suite}: ${message}`);
  const main = async () => {
    const args = parseArgs(process.argv.slice(2));
    if (!existsSync(path.join(args.webRoot, "pcs_client.js"))) {
      log(`skipped: no browser client in ${args.webRoot} (build it with tools/build)`);
      return kSkipped;
    }
    mkdirSync(args.out, { recursive: true });
    let server = null;
    let browser = null;
    const failures = [];
    try {
      server = await startServer({ server: args.server, webRoot: args.webRoot, ...serverOptions });
      log(`pcs-server pid ${server.pid} on ${server.base}`);
      browser = await launchBrowser();
      for (const [name, fn] of tests) {
        if (args.only && !name.includes(args.only)) continue;
        const slug = `${suite}--${name}`.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/-+$/, "");
        const test = { label: `[${name}]`, apps: [], contexts: [] };
        const started = Date.now();
        let error = null;
        try {
          await fn({
            open: (options) => openApp(browser, server, test, options),
            browser, server, args,
            outFile: (suffix) => path.join(args.out, `${slug}${suffix}`),
          });
          const problems = test.apps.flatMap(
            (app) => app.problems.map((p) => `${app.label}: ${p}`));
          if (problems.length) error = new Error(problems.join("\n"));
        } catch (e) {
          error = e;
        }
        if (error) {
          for (const [i, app] of test.apps.entries()) {
            const file = path.join(args.out, `${slug}${i ? `-${i + 1}` : ""}.png`);
            try {
              await app.screenshot(file);
              log(`screenshot ${path.relative(process.cwd(), file)}`);
            } catch (e) {
              log(`screenshot failed: ${e.message}`);
            }
            for (const line of app.console.slice(-20)) log(`  ${app.label} ${line}`);
          }
          failures.push(`${name}: ${error.stack || error}`);
          log(`FAIL ${name} (${Date.now() - started} ms)`);
        } else {
          log(`ok   ${name} (${Date.now() - started} ms)`);
        }
        for (const context of test.contexts) await context.close().catch(() => {});
      }
    } finally {
      if (browser) await browser.close();
      if (server) await server.stop();
    }
    if (failures.length) {
      for (const f of failures) console.error(`${suite}: FAIL ${f}`);
      if (server?.output.length) {
        console.error(`pcs-server output (tail):\n${server.output.join("").slice(-3000)}`);
      }
      return 1;
    }
    log("passed");
    return 0;
  };
  main().then((code) => process.exit(code), (error) => {
    console.error(`${suite}: FAIL ${error.stack || error}`);
    process.exit(1);
  });
}
