#pragma once
// The client's look: a light theme with one brand colour. Panels take colours from here
// instead of spelling them out, so the palette changes in one place.

#include "imgui.h"

namespace pcs::client::theme {

inline constexpr ImU32 kBrand = IM_COL32(0x1F, 0x4E, 0x8C, 0xFF);    // header, buttons
inline constexpr ImU32 kPage = IM_COL32(0xEE, 0xF2, 0xF7, 0xFF);     // behind the panels
inline constexpr ImU32 kOnBrand = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);  // text on kBrand
inline constexpr ImU32 kStatusBar = IM_COL32(0xE1, 0xE7, 0xEF, 0xFF);
inline constexpr ImU32 kTextMuted = IM_COL32(0x5B, 0x65, 0x73, 0xFF);
inline constexpr ImU32 kTextWorking = IM_COL32(0x16, 0x7A, 0x3C, 0xFF);  // 工作日
inline constexpr ImU32 kTextResting = IM_COL32(0xB4, 0x3C, 0x1E, 0xFF);  // 休息日
inline constexpr ImU32 kTextNotice = IM_COL32(0xA1, 0x5C, 0x07, 0xFF);   // a hint after an action

// Deadline and urgency marks. Each is always shown with its words and a shape as well
// (逾期 ▲, 临期 ●, 紧急 ◆), never by colour alone, and each pair keeps at least 4.5:1 contrast
// so a projector or a colour-blind reader still tells them apart.
inline constexpr ImU32 kOverdueBg = IM_COL32(0xB4, 0x23, 0x18, 0xFF);  // white text on it
inline constexpr ImU32 kDueSoonBg = IM_COL32(0xFE, 0xC8, 0x4B, 0xFF);  // dark text on it
inline constexpr ImU32 kUrgentBg = IM_COL32(0x5B, 0x21, 0xB6, 0xFF);   // white text on it
inline constexpr ImU32 kOnTimeBg = IM_COL32(0xDC, 0xEF, 0xE2, 0xFF);   // dark text on it
inline constexpr ImU32 kTextDark = IM_COL32(0x1F, 0x29, 0x37, 0xFF);
inline constexpr ImU32 kCard = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
inline constexpr ImU32 kCardHover = IM_COL32(0xF3, 0xF6, 0xFA, 0xFF);
inline constexpr ImU32 kCardBorder = IM_COL32(0xD5, 0xDC, 0xE6, 0xFF);
inline constexpr ImU32 kError = IM_COL32(0xB4, 0x23, 0x18, 0xFF);

// A button in the brand colour with white text, for the one main action of a form.
bool primaryButton(const char* label, ImVec2 size = ImVec2(0, 0));

// Sets ImGui's style for `scale` device pixels per CSS pixel. Safe to call again when the
// ratio changes: it starts from the unscaled style each time.
void apply(float scale);

// The clear colour behind every window (kPage as floats, for glClearColor).
ImVec4 clearColor();

}  // namespace pcs::client::theme
