// Starts the browser client (pcs_client.js / .wasm, built from client/).
//
//   1. checks that the browser knows WebGL2 at all (whether this machine can create a context
//      is found out by the client itself, which then reports it);
//   1a. creates the canvas's WebGL2 context while the WebAssembly downloads and compiles: on a
//      software GPU that takes a second or more, which would otherwise come after the download.
//      It is the one context of the page: GLFW's getContext() on the same canvas returns it, so
//      the attributes below are the ones client/main.cpp asks GLFW for;
//   2. fetches the CJK font while the WebAssembly downloads, and holds main() back until the
//      bytes are in (client/platform_web.cpp takes them from Module.pcsFontBytes);
//   2a. asks the server's health endpoint at the same time, and holds main() back until it
//      answered: a server that cannot be reached gets a message now, not a sign-in screen whose
//      every request fails;
//   3. shows 正在加载… until the client's first frame ("pcs-ready" event, window.pcsReady);
//   4. replaces the page with a message in Chinese when anything fails, never a blank page.
(function () {
  "use strict";

  var canvas = document.getElementById("canvas");
  var loading = document.getElementById("loading");
  var errorBox = document.getElementById("error");
  var failed = false;

  var ADVICE_RELOAD = "请检查网络连接后刷新页面；如果问题持续出现，请联系系统管理员。";
  var ADVICE_SERVER =
    "请检查网络连接，稍后刷新页面重试；如果问题持续出现，请联系系统管理员确认服务器是否运行。";
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

  // Until the WebAssembly runtime is up, an uncaught failure means the program did not load
  // (a failed download of pcs_client.wasm surfaces as a rejected fetch before onAbort).
  var runtimeUp = false;
  function uncaught(detail) {
    showError(runtimeUp ? "系统运行出错。" : "系统程序加载失败。", ADVICE_RELOAD, detail);
  }
  window.addEventListener("error", function (event) {
    uncaught(event.message);
  });
  window.addEventListener("unhandledrejection", function (event) {
    uncaught(describe(event.reason));
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

  // The server behind the page: without it nothing works, so it is asked before main() runs.
  // An answer other than 200, or none within kHealthTimeoutMs, is reported at once.
  var kHealthTimeoutMs = 10000;
  var healthy = new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(new Error("api/v1/health: no answer within " + kHealthTimeoutMs / 1000 + " s"));
    }, kHealthTimeoutMs);
    fetch("api/v1/health", {cache: "no-store"}).then(function (response) {
      clearTimeout(timer);
      if (response.ok) resolve();
      else reject(new Error("api/v1/health: HTTP " + response.status));
    }, function (reason) {
      clearTimeout(timer);
      reject(reason);
    });
  });
  healthy.catch(function (reason) {
    showError("无法连接服务器。", ADVICE_SERVER, describe(reason));
  });

  var Module = {
    canvas: canvas,
    preRun: [function () {
      Module.addRunDependency("pcs-font");
      fontBytes.then(function (bytes) {
        Module.pcsFontBytes = bytes;
        Module.removeRunDependency("pcs-font");
      }, function () {});  // already reported above
      Module.addRunDependency("pcs-health");
      healthy.then(function () {
        Module.removeRunDependency("pcs-health");
      }, function () {});  // already reported above
    }],
    onRuntimeInitialized: function () {
      runtimeUp = true;
      window.pcsRuntimeMs = performance.now();  // for tools/bench client: main() starts now
    },
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
  // By now pcs_client.js has run and the WebAssembly is on its way (compiled off the main
  // thread as it streams in), so the main thread is free for the context. A failure is left to
  // the client, which reports it in its own words.
  script.onload = function () {
    if (failed) return;
    try {
      var gl = canvas.getContext("webgl2",
                                 {alpha: true, depth: false, stencil: false, antialias: false});
      // The GPU side is set up lazily; the first query waits for it, here rather than in main().
      if (gl) gl.getSupportedExtensions();
    } catch (e) {
      console.warn("pcs: early WebGL2 context failed: " + describe(e));
    }
  };
  document.body.appendChild(script);
})();
