// Browser test: sharp drawing at devicePixelRatio 2 with clicks landing where the widgets are
// drawn, and a canvas that follows the window's size.
//
//   node display.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]

import { expect, poll, runSuite } from "./harness.mjs";

// The canvas's backing store and on-screen size, and the page's pixel ratio.
function canvasState(app) {
  return app.page.evaluate(() => {
    const canvas = document.getElementById("canvas");
    const rect = canvas.getBoundingClientRect();
    return { width: canvas.width, height: canvas.height, cssWidth: rect.width,
             cssHeight: rect.height, ratio: window.devicePixelRatio };
  });
}

function sharp(state) {
  return state.width === Math.round(state.cssWidth * state.ratio) &&
         state.height === Math.round(state.cssHeight * state.ratio);
}

runSuite("display", { demo: false }, [
  ["at pixel ratio 2 the canvas is sharp and clicks land on their widget", async ({ open,
                                                                                  outFile }) => {
    const app = await open({ pixelRatio: 2, viewport: { width: 1000, height: 700 } });
    const state = await canvasState(app);
    expect(state.ratio === 2, `devicePixelRatio ${state.ratio}`);
    expect(sharp(state) && state.width === 2000,
           `canvas backing store ${state.width}x${state.height} for ${state.cssWidth}x` +
           `${state.cssHeight} CSS px at ratio 2`);
    // The two fields are stacked; a click mapped at the wrong scale would hit the wrong one or
    // none, and the text would land elsewhere.
    await app.typeInto("login.password", "pw-2x");
    let field = await app.field();
    expect(field?.password === true && field.active,
           `password field not active: ${JSON.stringify(field)}`);
    await app.typeInto("login.username", "dpr-two");
    field = await app.waitField("dpr-two");
    expect(field.active && !field.password, "user name field not active");
    await app.screenshot(outFile("@2x.png"));
  }],

  ["the canvas follows window resizes", async ({ open, outFile }) => {
    const app = await open({ pixelRatio: 2, viewport: { width: 1280, height: 800 } });
    const before = await app.widget("login.submit");
    await app.page.setViewportSize({ width: 800, height: 560 });
    const state = await poll(() => canvasState(app),
                             (s) => s.cssWidth === 800 && s.width === 1600 && s.height === 1120,
                             "canvas resized to 800x560 CSS px at ratio 2");
    expect(sharp(state), `not sharp after resize: ${JSON.stringify(state)}`);
    // The card stays centred, so its button moves left and up by half the size change.
    const after = await poll(() => app.widget("login.submit"),
                             (r) => Math.abs(r.x + r.w / 2 - 400) < 2, "button centred at x=400");
    expect(after.y < before.y, `button did not move up: ${before.y} -> ${after.y}`);
    // And it still works there.
    await app.typeInto("login.username", "resized");
    await app.waitField("resized");
    await app.screenshot(outFile("-small.png"));
  }],
]);
