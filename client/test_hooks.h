#pragma once
// Where named widgets were drawn, for the browser tests. ImGui draws everything on one canvas,
// so a test cannot find a button in the DOM; instead the screens name the widgets a test may
// need (exposeItem right after the widget), and the page answers
//   window.pcsWidget("login.submit")  ->  {x, y, w, h} in CSS pixels of the page, or null
//   window.pcsWidgetNames()           ->  every name drawn in the last frame
// A test then clicks and types there with real mouse and keyboard events. The names are part
// of the client's test contract: dotted, screen first ("intake.content", "board.card.2026-000123").

#include <string_view>

namespace pcs::client {

// Forgets the previous frame's widgets; call once per frame before the screens draw.
// `pixelRatio` converts ImGui's device pixels to the page's CSS pixels.
void beginExposedFrame(float pixelRatio);

// Records the last ImGui item (ImGui::GetItemRectMin/Max) under `name`, clipped to the
// window it was drawn in; an item scrolled out of sight is not recorded.
void exposeItem(std::string_view name);

// Publishes the frame's widgets to the page; call once per frame after the screens drew.
void publishExposedFrame();

// Records the CPU time one frame took to lay out and build its draw lists (not the GPU work),
// and every 30 frames publishes the last 120 as window.pcsFrameStats = {frames, avgMs, maxMs,
// p95Ms} for tools/bench.
void recordFrameTime(double milliseconds);

// Benchmark support: once the page calls Module._pcs_test_load_everything(), lists load every
// page instead of only what is about to scroll into view (loadEverything() turns true).
bool loadEverything();
// Publishes window.pcsBoardStats = {loaded, total}: cases on the board's lists and their sum.
void publishBoardStats(long long loaded, long long total);

}  // namespace pcs::client
