// The browser side of platform.h. All JavaScript the client calls lives here, one small
// function per job; the page's own script (web/loader.js) fetches the font, shows the loading
// indicator and error box, and listens for the "pcs-ready" event.
#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "imgui.h"
#include "platform.h"

namespace {

// The canvas element web/index.html provides; the GLFW window draws into it.
constexpr const char* kCanvasSelector = "#canvas";

// One wheel notch in the browser is about 100 pixels or 3 lines; ImGui counts notches, and
// positive means away from the user (the browser's deltaY is positive towards the user).
EM_BOOL onCanvasWheel(int, const EmscriptenWheelEvent* ev, void*) {
  float perUnit = 1.0f / 100.0f;  // DOM_DELTA_PIXEL
  if (ev->deltaMode == DOM_DELTA_LINE) perUnit = 1.0f / 3.0f;
  if (ev->deltaMode == DOM_DELTA_PAGE) perUnit = 1.0f;
  ImGui::GetIO().AddMouseWheelEvent(static_cast<float>(-ev->deltaX) * perUnit,
                                    static_cast<float>(-ev->deltaY) * perUnit);
  return EM_TRUE;  // the page itself never scrolls under the canvas
}

}  // namespace

// clang-format off
EM_JS(int, pcs_js_font_byte_count, (), {
  return Module.pcsFontBytes ? Module.pcsFontBytes.byteLength : 0;
});

EM_JS(void, pcs_js_font_take, (void* dst), {
  HEAPU8.set(new Uint8Array(Module.pcsFontBytes), dst);
  Module.pcsFontBytes = null;  // the page keeps no second copy
});

EM_JS(void, pcs_js_mark_ready, (), {
  window.pcsReady = true;
  window.pcsReadyMs = performance.now();
  document.dispatchEvent(new Event("pcs-ready"));
});

EM_JS(void, pcs_js_show_error, (const char* text, int length, int changeBrowser), {
  var message = UTF8ToString(text, length);
  if (window.pcsShowError) window.pcsShowError(message, changeBrowser ? "browser" : "reload");
  else console.error(message);
});

EM_JS(void, pcs_js_publish_today,
      (const char* date, const char* kind, int working, int provisional), {
  window.pcsToday = {date: UTF8ToString(date), kind: UTF8ToString(kind),
                     working: !!working, provisional: !!provisional};
});
// clang-format on

namespace pcs::client {

CanvasSize fitCanvas() {
  double cssWidth = 0;
  double cssHeight = 0;
  emscripten_get_element_css_size(kCanvasSelector, &cssWidth, &cssHeight);

  CanvasSize size;
  size.pixelRatio = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (!(size.pixelRatio > 0.0f)) size.pixelRatio = 1.0f;
  size.width = std::max(1, static_cast<int>(std::lround(cssWidth * size.pixelRatio)));
  size.height = std::max(1, static_cast<int>(std::lround(cssHeight * size.pixelRatio)));

  // Setting the size clears the canvas, so it is only touched when it differs.
  int current[2] = {0, 0};
  emscripten_get_canvas_element_size(kCanvasSelector, &current[0], &current[1]);
  if (current[0] != size.width || current[1] != size.height)
    emscripten_set_canvas_element_size(kCanvasSelector, size.width, size.height);
  return size;
}

std::vector<unsigned char> takeFontBytes() {
  std::vector<unsigned char> bytes(static_cast<size_t>(pcs_js_font_byte_count()));
  if (!bytes.empty()) pcs_js_font_take(bytes.data());
  return bytes;
}

void markReady() {
  pcs_js_mark_ready();
}

void showFatalError(std::string_view message, ErrorAdvice advice) {
  pcs_js_show_error(message.data(), static_cast<int>(message.size()),
                    advice == ErrorAdvice::ChangeBrowser ? 1 : 0);
}

void publishToday(std::string_view date, std::string_view kind, bool working, bool provisional) {
  const std::string d(date), k(kind);
  pcs_js_publish_today(d.c_str(), k.c_str(), working ? 1 : 0, provisional ? 1 : 0);
}

void takeWheelOnCanvas() {
  emscripten_set_wheel_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, false, nullptr);
  emscripten_set_wheel_callback(kCanvasSelector, nullptr, false, onCanvasWheel);
}

}  // namespace pcs::client
