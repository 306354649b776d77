#include "test_hooks.h"

#include <emscripten.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"

namespace {

float gPixelRatio = 1.0f;
bool gLoadEverything = false;
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

extern "C" EMSCRIPTEN_KEEPALIVE void pcs_test_load_everything() {
  gLoadEverything = true;
}

// clang-format off
EM_JS(void, pcs_js_publish_widgets, (const char* json), {
  var widgets = JSON.parse(UTF8ToString(json));
  window.pcsWidgets = widgets;
  if (!window.pcsWidget) {
    window.pcsWidget = function(name) { return window.pcsWidgets[name] || null; };
    window.pcsWidgetNames = function() { return Object.keys(window.pcsWidgets); };
  }
});
EM_JS(void, pcs_js_publish_board_stats, (double loaded, double total), {
  window.pcsBoardStats = {loaded: loaded, total: total};
});

EM_JS(void, pcs_js_publish_frame_stats, (int frames, double avg, double max, double p95), {
  window.pcsFrameStats = {frames: frames, avgMs: avg, maxMs: max, p95Ms: p95};
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

bool loadEverything() {
  return gLoadEverything;
}

void publishBoardStats(long long loaded, long long total) {
  static long long lastLoaded = -1, lastTotal = -1;
  if (loaded == lastLoaded && total == lastTotal) return;
  lastLoaded = loaded;
  lastTotal = total;
  pcs_js_publish_board_stats(static_cast<double>(loaded), static_cast<double>(total));
}

void recordFrameTime(double milliseconds) {
  static std::vector<double> window;
  static int frames = 0;
  constexpr size_t kWindow = 120;
  if (window.size() == kWindow) window.erase(window.begin());
  window.push_back(milliseconds);
  if (++frames % 30 != 0) return;
  std::vector<double> sorted = window;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (double v : sorted) sum += v;
  const double p95 = sorted[std::min(sorted.size() - 1, sorted.size() * 95 / 100)];
  pcs_js_publish_frame_stats(frames, sum / static_cast<double>(sorted.size()), sorted.back(), p95);
}

}  // namespace pcs::client
