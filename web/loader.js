// Starts the browser client (pcs_client.js / .wasm, built from client/).
//
//   1. checks that the browser knows WebGL2 at all (whether this machine can create a context
//      is found out by the client itself, which then reports it; a probe context here would
//      cost a second context creation, hundreds of milliseconds on a software GPU);
//   2. fetches the CJK font while the WebAssembly downloads, and holds main() back until the
//      bytes are in (client/platform_web.cpp takes them from Module.pcsFontBytes);
//   3. shows 正在加载… until the client's first frame ("pcs-ready" event, window.pcsReady);
//   4. replaces the page with a message in Chinese when anything fails, never a blank page.
(function () {
  "use strict";

  var canvas = document.getElementById("canvas");
  var loading = document.getElementById("loading");
  var errorBox = document.getElementById("error");
  var failed = false;

  var ADVICE_RELOAD = "请检查网络连接后刷新页面；如果问题持续出现，请联系系统管理员。";
  var ADVICE_BROWSER =
    "请使用最新版的 Chrome、Edge 或 Firefox 浏览器，并在浏览器设置中开启“使用硬件加速”。";

  // Shows `message` (what went wrong), `advice` (what the user can do) and an optional
  // technical detail for the administrator. Only the first failure is shown.
  function showError(message, advice, detail) {
    if (failed) return;
    failed = true;
    window.pcsFailed = true;  // lets tests stop waiting for window.pcsReady
    loading.hidden = true;
    canvas.hidden = true;
    errorBox.querySelector(".message").textContent = message;
    errorBox.querySelector(".advice").textContent = advice || ADVICE_RELOAD;
    errorBox.querySelector(".detail").textContent = detail ? "技术信息：" + detail : "";
    errorBox.hidden = false;
    console.warn("pcs: " + message + (detail ? " (" + detail + ")" : ""));
  }
  // The client reports fatal errors through this (see client/platform_web.cpp).
  window.pcsShowError = function (message, advice) {
    showError(message, advice === "browser" ? ADVICE_BROWSER : ADVICE_RELOAD);
  };

  function describe(reason) {
    if (reason instanceof Error) return reason.message;
    return String(reason);
  }

  if (typeof WebGL2RenderingContext === "undefined") {
    showError("您的浏览器无法使用 WebGL 2，本系统无法显示。", ADVICE_BROWSER);
    return;
  }

  window.addEventListener("error", function (event) {
    showError("系统运行出错。", ADVICE_RELOAD, event.message);
  });
  window.addEventListener("unhandledrejection", function (event) {
    showError("系统运行出错。", ADVICE_RELOAD, describe(event.reason));
  });
  document.addEventListener("pcs-ready", function () {
    loading.hidden = true;
    console.info("pcs: first frame after " + Math.round(window.pcsReadyMs) + " ms");
  });

  // Started now, so the font downloads in parallel with the WebAssembly. A failure is shown at
  // once; main() then never starts, because its run dependency is never removed.
  var fontBytes = fetch("pcs-font.otf").then(function (response) {
    if (!response.ok) throw new Error("pcs-font.otf: HTTP " + response.status);
    return response.arrayBuffer();
  });
  fontBytes.catch(function (reason) {
    showError("字体文件下载失败。", ADVICE_RELOAD, describe(reason));
  });

  var Module = {
    canvas: canvas,
    preRun: [function () {
      Module.addRunDependency("pcs-font");
      fontBytes.then(function (bytes) {
        Module.pcsFontBytes = bytes;
        Module.removeRunDependency("pcs-font");
      }, function () {});  // already reported above
    }],
    onAbort: function (what) {
      showError("系统程序加载失败。", ADVICE_RELOAD, describe(what));
    },
    print: function (text) { console.log(text); },
    printErr: function (text) { console.warn(text); },
  };
  window.Module = Module;

  var script = document.createElement("script");
  script.src = "pcs_client.js";
  script.async = true;
  script.onerror = function () {
    showError("系统程序加载失败。", ADVICE_RELOAD, "pcs_client.js");
  };
  document.body.appendChild(script);
})();
