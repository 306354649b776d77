#include "test_hooks.h"

#include <emscripten.h>

#include <cstdio>
#include <string>

#include "imgui.h"
#include "imgui_internal.h"

namespace {

float gPixelRatio = 1.0f;
// The frame's widgets as a JavaScript object literal body, built in C++ so the page is told
// once per frame rather than once per widget.
std::string gJson;
std::string gPublished;

void appendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;  // names never carry control characters
    out += c;
  }
  out += '"';
}

}  // namespace

// clang-format off
EM_JS(void, pcs_js_publish_widgets, (const char* json), {
  var widgets = JSON.parse(UTF8ToString(json));
  window.pcsWidgets = widgets;
  if (!window.pcsWidget) {
    window.pcsWidget = function(name) { return window.pcsWidgets[name] || null; };
    window.pcsWidgetNames = function() { return Object.keys(window.pcsWidgets); };
  }
});
// clang-format on

namespace pcs::client {

void beginExposedFrame(float pixelRatio) {
  gPixelRatio = pixelRatio > 0.0f ? pixelRatio : 1.0f;
  gJson.clear();
}

void exposeItem(std::string_view name) {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  ImRect rect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  if (g.CurrentWindow) rect.ClipWith(g.CurrentWindow->ClipRect);
  if (rect.GetWidth() <= 0.0f || rect.GetHeight() <= 0.0f) return;
  char numbers[128];
  std::snprintf(numbers, sizeof numbers, ":{\"x\":%.1f,\"y\":%.1f,\"w\":%.1f,\"h\":%.1f}",
                rect.Min.x / gPixelRatio, rect.Min.y / gPixelRatio, rect.GetWidth() / gPixelRatio,
                rect.GetHeight() / gPixelRatio);
  if (!gJson.empty()) gJson += ',';
  appendJsonString(gJson, name);
  gJson += numbers;
}

void publishExposedFrame() {
  std::string json = "{" + gJson + "}";
  if (json == gPublished) return;  // most frames draw the same widgets in the same places
  gPublished = std::move(json);
  pcs_js_publish_widgets(gPublished.c_str());
}

}  // namespace pcs::client
