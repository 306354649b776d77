// Browser test of the ledger import screen (导入台账, client/import_screen.cpp): the real client
// in headless Chromium against a real server with the demo city. An intake clerk picks a messy
// county ledger through the browser's file picker, changes what the server guessed for one
// column, tries the import, runs it, opens an imported case from the report, and imports the
// same file again, which adds nothing.
//
// The ledger is a CSV in GB18030, as county offices' Excel saves "CSV" on a Chinese Windows: a
// title row above odd headers (来电日期, 反映人, 反映内容, 所在小区, 备注), an empty row, a
// duplicate row, a row naming an estate that does not exist, dates written three ways. Node's
// TextEncoder only writes UTF-8, so the bytes are made here from a table of every two-byte
// GBK code (GB18030's two-byte part) built with TextDecoder("gbk"); the test refuses to run
// with a character outside it rather than write something else.
//
//   node import_flow.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]
//
// Screens pass to out/import-flow--import-ledger-<step>.png (harness.mjs: the server, the
// browser, and a screenshot of the page when the test fails). Exit status: 0 passed, 1 failed,
// 77 skipped (no web build). Every request goes to 127.0.0.1.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { apiLogin, expect, runSuite } from "./harness.mjs";

const kPassword = "demo-2025-pcs";

// ---- the ledger file ----------------------------------------------------------------------

// Every character GBK encodes in two bytes, mapped to its bytes (lead 0x81-0xFE, trail
// 0x40-0xFE without 0x7F): the two-byte part of GB18030, which holds all of GB2312.
function gbkTable() {
  const decoder = new TextDecoder("gbk", { fatal: true });
  const table = new Map();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      try {
        const ch = decoder.decode(new Uint8Array([lead, trail]));
        if (ch.length === 1 && !table.has(ch)) table.set(ch, [lead, trail]);
      } catch { /* unassigned */ }
    }
  }
  return table;
}

function toGb18030(text) {
  const table = gbkTable();
  const bytes = [];
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (code < 0x80) bytes.push(code);
    else if (table.has(ch)) bytes.push(...table.get(ch));
    else throw new Error(`no two-byte GB18030 code for ${ch} (U+${code.toString(16)})`);
  }
  // Checked the other way: the bytes read back as the text, and are no valid UTF-8.
  const buffer = Buffer.from(bytes);
  expect(new TextDecoder("gb18030").decode(buffer) === text, "GB18030 bytes do not read back");
  let utf8 = true;
  try { new TextDecoder("utf-8", { fatal: true }).decode(buffer); } catch { utf8 = false; }
  expect(!utf8, "the ledger bytes are valid UTF-8 too; the test would not test GB18030");
  return buffer;
}

// Row numbers are the sheet's own: 1 title, 2 headers, 3.. data, 4 empty, 7 repeats 3; 5 spells
// 翠湖小区 with a blank (matched to the record), 6 misspells 锦绣花园 (fails, proposed as one).
// 备注 (F) holds the place; the server maps it to nothing.
const kLedger = [
  "东湖区物业投诉台账（2026年11月）,,,,,",
  "来电日期,反映人,联系电话,反映内容,所在小区,备注",
  "2026年11月2日,测试甲,13900000041,台账导入测试：电梯夜间异响,锦绣花园,5号楼2单元",
  ",,,,,",
  "2026/11/03 14:05,测试乙,13900000042,台账导入测试：车库顶板漏水,翠湖 小区,地下车库",
  "2026.11.04,测试丙,13900000043,台账导入测试：路灯不亮,锦秀花园,",
  "2026年11月2日,测试甲,13900000041,台账导入测试：电梯夜间异响,锦绣花园,5号楼2单元",
  "",
].join("\r\n");
const kSearch = "台账导入测试";

// ---- helpers on the open page (harness.mjs AppPage) --------------------------------------

// The numbers after `prefix` among the drawn names ("import.report.failed." -> [6]).
async function numbers(app, prefix) {
  return (await app.names(prefix)).map((n) => n.slice(prefix.length))
      .filter((s) => /^\d+$/.test(s)).map(Number).sort((a, b) => a - b);
}

// Clicks `button`, answers the browser's file picker with `file`, and waits for the server's
// answer to the upload and then for `ready` (which the previous file may have drawn already).
async function chooseFile(app, button, file, ready) {
  const [chooser] = await Promise.all([
    app.page.waitForEvent("filechooser", { timeout: app.widgetTimeoutMs }),
    app.click(button),
  ]);
  expect(!chooser.isMultiple(), "the picker offers several files");
  const uploaded = app.page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/v1/imports",
      { timeout: app.widgetTimeoutMs });
  await chooser.setFiles(file);
  await uploaded;
  await app.frames(3);
  await app.widget(ready);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- the test -----------------------------------------------------------------------------

async function importLedger({ open, server, outFile }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pcs-import-file-"));
  try {
    await importFrom(dir, { open, server, outFile });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function importFrom(dir, { open, server, outFile }) {
  const csv = path.join(dir, "东湖区11月台账.csv");
  writeFileSync(csv, toGb18030(kLedger));
  const notXlsx = path.join(dir, "损坏的台账.xlsx");
  writeFileSync(notXlsx, "this is no spreadsheet\n");
  const clerk = await apiLogin(server.base, "c01.clerk");
  const found = async () => (await clerk.get(`/cases?q=${encodeURIComponent(kSearch)}`))
      .items.map((i) => i.id).sort();

  // The server's refusal of the file that is no spreadsheet is part of the test.
  const c = await open({
    viewport: { width: 1400, height: 900 }, widgetTimeoutMs: 20_000, clickFromLeft: 40,
    expectedHttpErrors: (status, pathname) => status === 400 && pathname === "/api/v1/imports",
  });
  const snap = (step) => c.screenshot(outFile(`-${step}.png`));
  await c.replaceText("login.username", "c01.clerk");
  await c.replaceText("login.password", kPassword);
  await c.click("login.submit");
  await c.click("tab.import");
  await c.widget("import.choose");
  await snap("1-empty");

  // A file named .xlsx that is none: the server's refusal is shown, nothing is kept.
  await chooseFile(c, "import.choose", notXlsx, "import.error");
  expect(!(await c.hasWidget("import.mapping.0")), "a refused file showed a mapping");
  await snap("2-refused");

  // The ledger: read as GB18030, header in row 2 under the title, 备注 mapped to nothing.
  await chooseFile(c, "import.choose", csv, "import.mapping.5");
  await c.widget("import.format.csv.gb18030");
  await c.widget("import.header.2");
  expect(!(await c.hasWidget("import.error")), "the ledger was refused");
  // No channel column: every previewed row waits for the channel the clerk picks.
  expect(same(await numbers(c, "import.preview.channel."), [3, 5, 6, 7]),
         `preview rows: ${(await c.names("import.preview.")).join(" ")}`);
  expect(await c.hasWidget("import.mapped.5.none"), "备注 was mapped to a field");
  expect(await c.hasWidget("import.mapped.0.received_at") &&
         await c.hasWidget("import.mapped.3.content"),
         `proposed: ${(await c.names("import.mapped.")).join(" ")}`);
  await snap("3-preview");
  await c.click("import.tab.names");
  await c.widget("import.names.matched.0");
  await c.widget("import.names.merge.0");
  expect(!(await c.hasWidget("import.names.matched.1")) &&
         !(await c.hasWidget("import.names.merge.1")),
         `names: ${(await c.names("import.names.")).join(" ")}`);
  await snap("3-names");

  // The clerk maps 备注 (column F) to 地址 and gives the rows the channel 电话.
  await c.click("import.mapping.5");
  await c.click("import.mapping.option.location");
  await c.widget("import.mapped.5.location");
  await c.click("import.default_channel");
  await c.click("import.default_channel.option.phone");
  await snap("4-mapped");

  // A dry run: one row fails, the repeated row is skipped, nothing is stored.
  await c.click("import.dry_run");
  await c.widget("import.report.dry");
  expect(same(await numbers(c, "import.report.failed."), [6]),
         `dry run failed rows: ${await numbers(c, "import.report.failed.")}`);
  expect(same(await numbers(c, "import.report.skipped."), [7]),
         `dry run skipped rows: ${await numbers(c, "import.report.skipped.")}`);
  expect((await c.names("import.report.case.")).length === 0, "a dry run named cases");
  expect((await found()).length === 0, "the dry run stored cases");
  await snap("5-dry-run");

  // The import: rows 3 and 5 become cases, 7 is the same complaint as 3, 6 fails.
  await c.click("import.run");
  await c.widget("import.report.stored");
  expect(same(await numbers(c, "import.report.imported."), [3, 5]),
         `imported rows: ${await numbers(c, "import.report.imported.")}`);
  expect(same(await numbers(c, "import.report.skipped."), [7]), "row 7 was not skipped");
  expect(same(await numbers(c, "import.report.failed."), [6]), "row 6 did not fail");
  const shown = (await c.names("import.report.case.imported.")).map(
      (n) => n.slice("import.report.case.imported.".length)).sort();
  expect(shown.length === 2, `case links: ${shown}`);
  const duplicateOf = (await c.names("import.report.case.skipped."))
      .map((n) => n.slice("import.report.case.skipped.".length));
  expect(duplicateOf.length === 1 && shown.includes(duplicateOf[0]),
         `row 7 names ${duplicateOf}, not a case imported from row 3`);
  expect(same(await found(), shown), `the server finds ${await found()}, the report ${shown}`);
  await snap("6-imported");

  // What the cells said arrived, with the clerk's mapping and channel.
  const byContent = {};
  for (const id of shown) {
    const stored = (await clerk.get(`/cases/${id}`)).case;
    byContent[stored.content] = stored;
  }
  // Cells are normalised on the way in: the full-width colon arrives as ASCII.
  const elevator = byContent["台账导入测试:电梯夜间异响"];
  expect(elevator, `stored contents: ${Object.keys(byContent)}`);
  expect(elevator.location === "5号楼2单元", `location stored as ${elevator.location}`);
  expect(elevator.channel === "phone", `channel stored as ${elevator.channel}`);
  expect(elevator.estate_id === "e-1", `estate stored as ${elevator.estate_id}`);
  const garage = byContent["台账导入测试:车库顶板漏水"];
  expect(garage && garage.location === "地下车库", "the garage row lost its place");
  expect(garage.estate_id === "e-3", `翠湖 小区 stored as ${garage.estate_id}`);

  // A case number in the report opens the case.
  await c.click(`import.report.case.imported.${elevator.id}`);
  await c.widget(`case.number.${elevator.id}`);
  await snap("7-case");

  // The same file again: nothing new, every good row is skipped as imported before.
  await c.click("tab.import");
  await chooseFile(c, "import.choose", csv, "import.mapping.5");
  await c.click("import.mapping.5");
  await c.click("import.mapping.option.location");
  // The channel is chosen again for every file: without it, the screen says so and sends nothing.
  await c.click("import.run");
  await c.widget("import.error");
  expect(!(await c.hasWidget("import.report.stored")), "a run without a channel went ahead");
  await snap("8-no-channel");
  await c.click("import.default_channel");
  await c.click("import.default_channel.option.phone");
  await c.click("import.run");
  await c.widget("import.report.stored");
  expect((await numbers(c, "import.report.imported.")).length === 0,
         `imported again: ${await numbers(c, "import.report.imported.")}`);
  expect(same(await numbers(c, "import.report.skipped."), [3, 5, 7]),
         `skipped on the second run: ${await numbers(c, "import.report.skipped.")}`);
  expect(same(await numbers(c, "import.report.failed."), [6]), "row 6 did not fail again");
  expect(same(await found(), shown), `the second import stored cases: ${await found()}`);
  await snap("9-again");
}

// ---- the suite ----------------------------------------------------------------------------

runSuite("import-flow", { demo: true }, [["import-ledger", importLedger]]);
