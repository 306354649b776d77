// Browser test of the public red/black list pages (server/public_pages.cpp) at a phone's size.
//
//   node public_page.mjs [--server PATH] [--out DIR]
//
// Starts build/server/pcs-server on 127.0.0.1 (a free port, a temporary --data folder, the
// demo city with a few complaints, no web build needed), logs in as the city housing head
// through the API, drafts (unless the scheduler did) and publishes last month's issue of 东湖区
// (c01), then opens /public/ in headless Chromium at 390x844 (touch, device pixel ratio 3) and
// checks that:
//   * the list shows the county and a link to the published issue, and not the draft;
//   * the page is readable without zoom: no horizontal scrolling, body text at least 16 px;
//   * following the link opens the issue with its title and both lists' headings;
//   * no uncaught error, console error, failed request or HTTP error on the way.
// Screenshots of both pages go to out/ whether the test passes or fails.
//
// Exit status: 0 passed, 1 failed. Every request goes to 127.0.0.1; anything else is blocked
// and counted as a failure.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const kHere = path.dirname(fileURLToPath(import.meta.url));
const kRoot = path.resolve(kHere, "../..");
const kChromium = "/usr/bin/chromium";
const kServerStartTimeoutMs = 30_000;
const kPhone = { width: 390, height: 844 };

// Chromium as root, offline; these pages need no GPU.
const kChromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  // No host name resolves, so nothing can leave the machine.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

function parseArgs(argv) {
  const args = {
    server: path.join(kRoot, "build/server/pcs-server"),
    out: path.join(kHere, "out"),
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    if (argv[i] === "--server") args.server = path.resolve(value());
    else if (argv[i] === "--out") args.out = path.resolve(value());
    else if (argv[i] === "--web-root") value();  // the public pages need no web build
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

function log(message) {
  console.log(`public_page: ${message}`);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// A port the kernel says is free right now.
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

// Starts the server with the demo city and waits for /api/v1/health.
async function startServer(args) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pcs-public-"));
  const output = [];
  const child = spawn(args.server, [
    "--host", "127.0.0.1", "--port", String(port), "--data", dataDir,
    "--web-root", path.join(dataDir, "no-web-build"), "--demo-cases", "40",
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

// "YYYY-MM" of the month before this one, in China Standard Time.
function lastMonthCst() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

function monthBefore(month) {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

// Logs in, drafts (unless the scheduler did) and publishes last month's issue of c01, and leaves
// the month before as a draft. Returns { published, draft } ids.
async function prepareIssues(base) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ login: "city.head", password: "demo-2025-pcs" }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.get("set-cookie").split(";")[0];
  const { csrf_token: csrf } = await login.json();
  const post = async (p, body) => {
    const response = await fetch(`${base}${p}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`POST ${p}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const month = lastMonthCst();
  // The scheduler drafts last month's issues on a month's first working day (T15), and at the
  // start of a demo server on a later one: a person then publishes the system's draft.
  const response = await fetch(`${base}/api/v1/bulletins?county_id=c01&month=${month}`, {
    headers: { Cookie: cookie },
  });
  if (!response.ok) throw new Error(`GET /api/v1/bulletins: ${response.status}`);
  const drafted = (await response.json()).items.find((i) => i.state === "draft");
  const issue = drafted ?? await post("/api/v1/bulletins", { county_id: "c01", month });
  await post(`/api/v1/bulletins/${issue.id}/publish`, {});
  const draft = await post("/api/v1/bulletins", { county_id: "c01", month: monthBefore(month) });
  log(`published issue ${issue.id} (${issue.title}); draft ${draft.id} left unpublished`);
  return { published: issue, draft };
}

async function checkPages(browser, base, issues, outDir) {
  const problems = [];
  const context = await browser.newContext({
    viewport: kPhone,
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.origin === base) return route.continue();
    problems.push(`blocked a request outside the test server: ${url.href}`);
    return route.abort();
  });
  page.on("pageerror", (error) => problems.push(`uncaught error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("requestfailed", (request) => {
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });

  // Readable on a phone: nothing wider than the screen, body text at least 16 px.
  const checkLayout = async (where) => {
    const m = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      fontSize: parseFloat(getComputedStyle(document.body).fontSize),
      viewport: document.querySelector('meta[name="viewport"]')?.content ?? "",
    }));
    if (m.scrollWidth > m.innerWidth) {
      problems.push(`${where}: scrolls sideways (${m.scrollWidth} > ${m.innerWidth} px)`);
    }
    if (m.fontSize < 16) problems.push(`${where}: body text ${m.fontSize} px`);
    if (!m.viewport.includes("width=device-width")) problems.push(`${where}: no viewport meta`);
  };

  try {
    await page.goto(`${base}/public/`, { waitUntil: "load" });
    await checkLayout("list");
    const heading = await page.locator("h1").innerText();
    if (!heading.includes("红黑榜")) problems.push(`list heading is "${heading}"`);
    const county = await page.locator("section h2").allInnerTexts();
    if (!county.includes("东湖区")) problems.push(`list shows counties ${JSON.stringify(county)}`);
    const link = page.locator(`a[href="/public/bulletins/${issues.published.id}"]`);
    if ((await link.count()) !== 1) problems.push("the published issue is not listed once");
    if ((await page.locator(`a[href="/public/bulletins/${issues.draft.id}"]`).count()) !== 0) {
      problems.push("the draft is listed");
    }
    await page.screenshot({ path: path.join(outDir, "public-list.png"), fullPage: true });

    if ((await link.count()) === 1) {
      await Promise.all([page.waitForURL(`**/public/bulletins/${issues.published.id}`),
                         link.tap()]);
      await page.waitForLoadState("load");
      await checkLayout("issue");
      const title = await page.locator("h1").innerText();
      if (title !== issues.published.title) {
        problems.push(`issue title "${title}", expected "${issues.published.title}"`);
      }
      const sections = await page.locator("h2").allInnerTexts();
      for (const want of ["表扬", "红榜", "批评", "黑榜"]) {
        if (!sections.includes(want)) problems.push(`issue has no "${want}" heading`);
      }
      await page.screenshot({ path: path.join(outDir, "public-issue.png"), fullPage: true });
      log(`issue page: "${title}", sections ${sections.join(" / ")}`);
    }
  } finally {
    await context.close();
  }
  return problems;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
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
    const issues = await prepareIssues(server.base);
    browser = await chromium.launch({
      executablePath: kChromium,
      headless: true,
      args: kChromiumArgs,
      timeout: 30_000,
    });
    problems.push(...await checkPages(browser, server.base, issues, args.out));
  } finally {
    if (browser) await browser.close();
    await stopServer(server);
  }

  if (problems.length) {
    for (const p of problems) console.error(`public_page: FAIL ${p}`);
    if (server?.output.length) console.error(`pcs-server output:\n${server.output.join("")}`);
    return 1;
  }
  log("passed");
  return 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`public_page: FAIL ${error.stack || error}`);
  process.exit(1);
});
