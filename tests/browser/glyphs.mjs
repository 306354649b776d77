// Browser test: every character the client can be asked to draw has a glyph in its font atlas
// (no '?' boxes): all text of the demo data as the API serves it, and every string literal of
// the client and of common/ (UI text, state and rule names). Asks the running client
// (window.pcsMissingGlyphs, client/text_probes.h), so it checks the atlas actually built, not
// the font file.
//
//   node glyphs.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]

import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { apiLogin, expect, kRoot, runSuite } from "./harness.mjs";

// Every string inside a JSON value (keys too: some answers are maps keyed by names).
function collectStrings(value, out) {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      collectStrings(v, out);
    }
  }
  return out;
}

function filesUnder(dir, extensions) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) files.push(...filesUnder(full, extensions));
    else if (extensions.some((e) => name.endsWith(e))) files.push(full);
  }
  return files;
}

// The string literals of a C++ source (escapes left as written: they are ASCII).
function cppLiterals(file) {
  const text = readFileSync(file, "utf8");
  const literals = [];
  for (const line of text.split("\n")) {
    if (/^\s*#\s*include/.test(line)) continue;
    for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"/g)) literals.push(m[1]);
  }
  return literals;
}

// Every text the demo city's data gives the client: reference data and the case list.
async function demoTexts(base) {
  const admin = await apiLogin(base, "admin");
  const texts = [];
  const sources = {};
  for (const p of ["/units", "/estates", "/companies", "/users", "/catalogue", "/rules",
                   "/auth/me"]) {
    const before = texts.length;
    collectStrings(await admin.get(p), texts);
    sources[p] = texts.length - before;
  }
  let cursor = "";
  let cases = 0;
  for (let page = 0; page < 400; page++) {
    const next = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const answer = await admin.get(`/cases?limit=500${next}`);
    collectStrings(answer.items, texts);
    cases += answer.items.length;
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  sources["/cases"] = cases;
  return { texts, sources, cases };
}

function uiTexts() {
  const files = [
    ...filesUnder(path.join(kRoot, "client"), [".cpp", ".h"]),
    ...filesUnder(path.join(kRoot, "common/src"), [".cpp"]),
    ...filesUnder(path.join(kRoot, "common/include"), [".h"]),
  ];
  return files.flatMap((f) => cppLiterals(f).map((s) => ({ text: s,
                                                           from: path.relative(kRoot, f) })));
}

// Asks the page which code points of `texts` ({text, from}) have no glyph; one call for all.
async function missingGlyphs(app, texts) {
  return app.page.evaluate((items) => {
    const byCp = new Map();
    for (const { text, from } of items) {
      for (const cp of window.pcsMissingGlyphs(text)) {
        if (!byCp.has(cp)) byCp.set(cp, { cp, example: text.slice(0, 40), from });
      }
    }
    return [...byCp.values()];
  }, texts);
}

function describe(missing) {
  return missing.slice(0, 30).map(({ cp, example, from }) =>
    `U+${cp.toString(16).toUpperCase().padStart(4, "0")} ${String.fromCodePoint(cp)} ` +
    `in ${JSON.stringify(example)} (${from})`).join("\n");
}

runSuite("glyphs", { demo: true }, [
  ["the probe reports characters the atlas lacks", async ({ open }) => {
    const app = await open();
    const answer = await app.page.evaluate(() => ({
      plain: window.pcsMissingGlyphs("物业投诉 ABC 123，。"),
      // An emoji (outside 16-bit ImWchar) and a CJK Extension A character no font subset needs.
      odd: window.pcsMissingGlyphs("a\u{1F600}b\u3400"),
    }));
    expect(answer.plain.length === 0, `common text reported missing: ${answer.plain}`);
    expect(answer.odd.length === 2 && answer.odd[0] === 0x1f600 && answer.odd[1] === 0x3400,
           `odd characters not reported: ${JSON.stringify(answer.odd)}`);
  }],

  ["every character of the demo data has a glyph", async ({ open, server }) => {
    const { texts, sources, cases } = await demoTexts(server.base);
    expect(cases > 0, "the demo data has no cases visible to admin");
    const units = sources["/units"], estates = sources["/estates"];
    expect(units > 0 && estates > 0, `reference data missing: ${JSON.stringify(sources)}`);
    const unique = [...new Set(texts)].filter((t) => /[^\x00-\x7f]/.test(t) || /[ -~]/.test(t));
    console.log(`glyphs: ${unique.length} distinct demo texts (${JSON.stringify(sources)})`);
    const app = await open();
    const missing = await missingGlyphs(app, unique.map((text) => ({ text, from: "demo data" })));
    expect(missing.length === 0,
           `${missing.length} code points without a glyph:\n${describe(missing)}`);
  }],

  ["every UI string has a glyph", async ({ open }) => {
    const texts = uiTexts();
    expect(texts.some((t) => t.text.includes("用户登录")), "the scan found no UI strings");
    console.log(`glyphs: ${texts.length} string literals in client/ and common/`);
    const app = await open();
    const missing = await missingGlyphs(app, texts);
    expect(missing.length === 0,
           `${missing.length} code points without a glyph:\n${describe(missing)}`);
  }],
]);
