#pragma once
// The client's fonts: one CJK face (pcs-font.otf) at two sizes, rasterised for the screen's
// device pixel ratio so text stays sharp on high-density displays.

#include <string>
#include <vector>

#include "imgui.h"

namespace pcs::client {

class Fonts {
 public:
  // Takes the font file bytes (kept for rebuilds when the pixel ratio changes) and every
  // string drawn with heading(): that face holds only their characters.
  Fonts(std::vector<unsigned char> fontBytes, std::string headingText);

  // Rebuilds the ImGui font atlas for `pixelRatio` unless it was built for it already.
  // Must run outside NewFrame()/Render(); returns true when it rebuilt (the GPU texture must
  // then be recreated). Throws std::runtime_error when the font cannot be read.
  bool buildFor(float pixelRatio);

  ImFont* body() const { return body_; }
  ImFont* heading() const { return heading_; }
  // The ratio the atlas was rasterised for; ImGui's FontGlobalScale covers the rest.
  float atlasScale() const { return atlasScale_; }

  // Font sizes (the em, as CSS font-size) in CSS pixels, before scaling to device pixels.
  // ImGui sizes a font by its line height instead; buildFor() converts.
  static constexpr float kBodySize = 15.0f;
  static constexpr float kHeadingSize = 22.0f;
  // Above this ratio glyphs are scaled up instead of rasterised larger: at 3x the atlas for
  // ~7,500 glyphs would pass 4096 pixels a side, the largest texture many phones accept.
  static constexpr float kMaxAtlasScale = 2.0f;

 private:
  std::vector<unsigned char> bytes_;
  float lineHeightPerEm_ = 1.0f;  // from the font's own metrics
  std::string headingText_;
  ImVector<ImWchar> headingRanges_;  // read during the atlas build, so it lives here
  ImFont* body_ = nullptr;
  ImFont* heading_ = nullptr;
  float atlasScale_ = 0.0f;
};

}  // namespace pcs::client
