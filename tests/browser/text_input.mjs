// Browser test: typing into the canvas's ImGui fields, with an input method and without
// (client/text_input_web.h). On the sign-in card, which every build has.
//
//   node text_input.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]

import { expect, poll, runSuite } from "./harness.mjs";

// Whether the sign-in form was submitted: the card's notice appears (the offline card says the
// service is not connected; a connected one reports a wrong password) or the page posts a login.
function watchSubmit(app) {
  const seen = { login: 0 };
  app.page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/v1/auth/login")) seen.login++;
  });
  return {
    async submitted() { return seen.login > 0 || await app.hasWidget("login.notice"); },
  };
}

// Sends the events an input method sends around the Enter that picks a candidate, to the
// hidden text box: Chrome gives the key keyCode 229 and isComposing; an Enter with keyCode 13
// but isComposing set (other browsers) must be held back as well.
async function composeWithEnter(app, keyCode) {
  await app.page.evaluate((code) => {
    const box = document.activeElement;
    box.dispatchEvent(new CompositionEvent("compositionstart", { bubbles: true, data: "" }));
    box.dispatchEvent(new CompositionEvent("compositionupdate", { bubbles: true, data: "ce" }));
    for (const type of ["keydown", "keyup"]) {
      box.dispatchEvent(new KeyboardEvent(type, {
        bubbles: true, cancelable: true, composed: true, key: "Enter", code: "Enter",
        keyCode: code, which: code, isComposing: true,
      }));
    }
    box.dispatchEvent(new CompositionEvent("compositionend", { bubbles: true, data: "" }));
  }, keyCode);
  await app.frames(4);
}

runSuite("text-input", { demo: false }, [
  ["composed Chinese text lands in the focused field", async ({ open }) => {
    const app = await open();
    await app.click("login.username");
    await poll(() => app.textFocused(), (v) => v, "text box focused for login.username");
    await app.insertText("测试用户");
    await app.waitField("测试用户");
    // A composition as an input method sends it: updates first, the text only at the end.
    await app.page.evaluate(() => {
      const box = document.activeElement;
      box.dispatchEvent(new CompositionEvent("compositionstart", { data: "" }));
      box.value = "shu";
      box.dispatchEvent(new InputEvent("input", { data: "shu", inputType: "insertCompositionText",
                                                  isComposing: true }));
      box.dispatchEvent(new CompositionEvent("compositionend", { data: "甲" }));
    });
    await app.frames(3);
    await app.waitField("测试用户甲");
    const box = await app.page.evaluate(() => document.getElementById("text-input").value);
    expect(box === "", `the hidden text box keeps ${JSON.stringify(box)}`);
  }],

  ["the input method's box sits at the text cursor", async ({ open }) => {
    const app = await open({ pixelRatio: 2 });
    const field = await app.click("login.username");
    await poll(() => app.textFocused(), (v) => v, "text box focused");
    const before = await app.page.evaluate(
      () => document.getElementById("text-input").getBoundingClientRect().toJSON());
    await app.insertText("物业漏水");
    await app.frames(3);
    const after = await app.page.evaluate(
      () => document.getElementById("text-input").getBoundingClientRect().toJSON());
    const inside = (r) => r.y >= field.y - 1 && r.y + r.height <= field.y + field.h + 1 &&
                          r.x >= field.x && r.x <= field.x + field.w;
    expect(inside(before), `box ${JSON.stringify(before)} not in field ${JSON.stringify(field)}`);
    expect(inside(after), `box ${JSON.stringify(after)} not in field ${JSON.stringify(field)}`);
    // Four characters at 15 px: the cursor, and so the box, moved right by about 60 CSS px.
    expect(after.x - before.x > 40, `box did not follow the cursor: ${before.x} -> ${after.x}`);
  }],

  ["Latin typed key by key is not doubled, editing keys work", async ({ open }) => {
    const app = await open();
    await app.typeInto("login.username", "c01.clerk");
    await app.waitField("c01.clerk");
    const keys = app.page.keyboard;
    await keys.press("Home");
    await keys.type("x");
    await app.waitField("xc01.clerk");
    await keys.press("End");
    await keys.press("Backspace");
    await app.waitField("xc01.cler");
    await keys.press("ArrowLeft");
    await keys.press("ArrowLeft");
    await keys.press("Delete");
    await app.waitField("xc01.clr");
    await keys.press("Control+A");
    await keys.type("ab");
    await app.waitField("ab");
    await keys.press("Control+Z");
    await app.frames(3);
    const undone = await app.field();
    expect(undone.text !== "ab", "Ctrl+Z changed nothing");
    // Tab moves on to the password field, Escape leaves it and the canvas gets the keys back.
    await keys.press("Tab");
    await poll(() => app.field(), (f) => f?.password === true && f.active,
               "password field active after Tab");
    await keys.type("pw");
    await keys.press("Escape");
    await poll(() => app.textFocused(), (v) => v === false, "focus back on the canvas");
    const canvasFocused = await app.page.evaluate(() => document.activeElement?.id === "canvas");
    expect(canvasFocused, "the canvas did not get the focus back");
  }],

  ["a password field takes its keys through a password box", async ({ open }) => {
    const app = await open();
    await app.typeInto("login.username", "c01.clerk");
    let box = await app.page.evaluate(() => document.activeElement.id);
    expect(box === "text-input", `a text field focused ${box}`);
    await app.typeInto("login.password", "pw-123");
    box = await app.page.evaluate(() => ({ id: document.activeElement.id,
                                           type: document.activeElement.type }));
    expect(box.id === "password-input" && box.type === "password",
           `the password field focused ${JSON.stringify(box)}`);
    const field = await poll(() => app.field(), (f) => f?.password && f.length === 6,
                             "six characters in the password field");
    expect(field.text === null, "the probe gave away the password");
  }],

  ["the Enter that picks a candidate does not submit, a real Enter does", async ({ open }) => {
    const app = await open();
    const watch = watchSubmit(app);
    await app.typeInto("login.username", "c01.clerk");
    await app.typeInto("login.password", "wrong-password");
    await poll(() => app.field(), (f) => f?.password === true && f.active, "password active");
    await composeWithEnter(app, 229);
    await composeWithEnter(app, 13);
    await app.frames(6);
    expect(!(await watch.submitted()), "an Enter during composition submitted the form");
    const still = await app.field();
    expect(still?.password === true && still.active, "the composing Enter left the field");
    await app.page.keyboard.press("Enter");
    await poll(() => watch.submitted(), (v) => v, "submit after a real Enter");
  }],
]);
