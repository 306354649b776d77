// Browser test: the system clipboard between the client's fields and another tab
// (client/clipboard_web.h).
//
//   node clipboard.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]

import { expect, poll, runSuite } from "./harness.mjs";

const kPermissions = ["clipboard-read", "clipboard-write"];

// A second tab of the same browser context on the server's origin (the permissions are granted
// to that origin), for reading and writing the clipboard outside the client.
async function otherTab(app) {
  const tab = await app.context.newPage();
  await tab.goto(`${app.base}/api/v1/health`);
  return tab;
}

runSuite("clipboard", { demo: false }, [
  ["text copied in another tab pastes into a field", async ({ open }) => {
    const app = await open({ permissions: kPermissions });
    const tab = await otherTab(app);
    const text = "东湖区 粘贴测试 No.17";
    await tab.bringToFront();
    await tab.evaluate((t) => navigator.clipboard.writeText(t), text);

    await app.page.bringToFront();
    await app.typeInto("login.username", "ab");
    await app.page.keyboard.press("Control+V");
    await app.waitField(`ab${text}`);
    // Again with a selection: the pasted text replaces it.
    await app.page.keyboard.press("Control+A");
    await app.page.keyboard.press("Control+V");
    await app.waitField(text);
    // A password pasted from a password manager: the password field has its own box.
    await app.click("login.password");
    await poll(() => app.textFocused(), (v) => v, "password box focused");
    await app.page.keyboard.press("Control+V");
    await poll(() => app.field(), (f) => f?.password && f.length === [...text].length,
               "the pasted text in the password field");
  }],

  ["text copied out of a field reaches another tab", async ({ open }) => {
    const app = await open({ permissions: kPermissions });
    const tab = await otherTab(app);
    await tab.bringToFront();
    await tab.evaluate(() => navigator.clipboard.writeText("before"));

    await app.page.bringToFront();
    await app.click("login.username");
    await poll(() => app.textFocused(), (v) => v, "text box focused");
    await app.insertText("投诉编号2026-000123");
    await app.waitField("投诉编号2026-000123");
    await app.page.keyboard.press("Control+A");
    await app.page.keyboard.press("Control+C");
    await app.frames(3);
    // Ctrl+X takes the text out of the field as well.
    await tab.bringToFront();
    const copied = await poll(() => tab.evaluate(() => navigator.clipboard.readText()),
                              (t) => t !== "before", "clipboard after Ctrl+C");
    expect(copied === "投诉编号2026-000123", `the other tab reads ${JSON.stringify(copied)}`);

    await tab.evaluate(() => navigator.clipboard.writeText("before"));
    await app.page.bringToFront();
    await app.page.keyboard.press("Control+A");
    await app.page.keyboard.press("Control+X");
    await app.waitField("");
    await tab.bringToFront();
    const cut = await poll(() => tab.evaluate(() => navigator.clipboard.readText()),
                           (t) => t !== "before", "clipboard after Ctrl+X");
    expect(cut === "投诉编号2026-000123", `after Ctrl+X the other tab reads ${JSON.stringify(cut)}`);
  }],
]);
