#pragma once
// The characters pcs-font.otf holds, as Dear ImGui glyph ranges. Both come from one list made
// at build time by font/make_font.py (GB2312, CJK punctuation, full-width forms, and every
// character in common/data and the UI sources); the definition is generated.

#include "imgui.h"

namespace pcs::client {

// Pairs of inclusive [first, last] code points, terminated by 0, as ImFontConfig expects.
extern const ImWchar kFontGlyphRanges[];
// How many code points the ranges cover (for the start-up log).
extern const int kFontGlyphCount;

}  // namespace pcs::client
