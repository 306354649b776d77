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

}  // namespace pcs::client
