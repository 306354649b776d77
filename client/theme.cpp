#include "theme.h"

namespace pcs::client::theme {
namespace {

ImVec4 rgba(ImU32 c) {
  return ImGui::ColorConvertU32ToFloat4(c);
}

}  // namespace

void apply(float scale) {
  ImGuiStyle style;
  ImGui::StyleColorsLight(&style);

  // Sizes in CSS pixels; ScaleAllSizes turns them into device pixels below.
  style.WindowPadding = ImVec2(24, 20);
  style.FramePadding = ImVec2(10, 7);
  style.ItemSpacing = ImVec2(10, 10);
  style.WindowRounding = 8;
  style.FrameRounding = 4;
  style.GrabRounding = 4;
  style.WindowBorderSize = 1;
  style.FrameBorderSize = 1;

  ImVec4* c = style.Colors;
  c[ImGuiCol_Text] = rgba(IM_COL32(0x1F, 0x29, 0x37, 0xFF));
  c[ImGuiCol_TextDisabled] = rgba(kTextMuted);
  c[ImGuiCol_WindowBg] = rgba(IM_COL32(0xFF, 0xFF, 0xFF, 0xFF));
  c[ImGuiCol_Border] = rgba(IM_COL32(0xD5, 0xDC, 0xE6, 0xFF));
  c[ImGuiCol_FrameBg] = rgba(IM_COL32(0xFF, 0xFF, 0xFF, 0xFF));
  c[ImGuiCol_FrameBgHovered] = rgba(IM_COL32(0xF3, 0xF6, 0xFA, 0xFF));
  c[ImGuiCol_FrameBgActive] = rgba(IM_COL32(0xE8, 0xEF, 0xF8, 0xFF));
  c[ImGuiCol_Button] = rgba(IM_COL32(0xE3, 0xEA, 0xF4, 0xFF));
  c[ImGuiCol_ButtonHovered] = rgba(IM_COL32(0xD0, 0xDC, 0xEE, 0xFF));
  c[ImGuiCol_ButtonActive] = rgba(IM_COL32(0xBC, 0xCC, 0xE6, 0xFF));
  c[ImGuiCol_Header] = rgba(IM_COL32(0xE3, 0xEA, 0xF4, 0xFF));
  c[ImGuiCol_HeaderHovered] = rgba(IM_COL32(0xD0, 0xDC, 0xEE, 0xFF));
  c[ImGuiCol_HeaderActive] = rgba(IM_COL32(0xBC, 0xCC, 0xE6, 0xFF));
  c[ImGuiCol_CheckMark] = rgba(kBrand);
  c[ImGuiCol_TableHeaderBg] = rgba(IM_COL32(0xE8, 0xEE, 0xF6, 0xFF));
  c[ImGuiCol_PopupBg] = rgba(IM_COL32(0xFF, 0xFF, 0xFF, 0xFF));
  c[ImGuiCol_ModalWindowDimBg] = rgba(IM_COL32(0x1F, 0x29, 0x37, 0x66));
  c[ImGuiCol_NavHighlight] = rgba(IM_COL32(0x2A, 0x62, 0xAA, 0xFF));
  c[ImGuiCol_TextSelectedBg] = rgba(IM_COL32(0x2A, 0x62, 0xAA, 0x40));

  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

bool primaryButton(const char* label, ImVec2 size) {
  ImGui::PushStyleColor(ImGuiCol_Button, rgba(kBrand));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, rgba(IM_COL32(0x2A, 0x62, 0xAA, 0xFF)));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, rgba(IM_COL32(0x17, 0x3D, 0x6E, 0xFF)));
  ImGui::PushStyleColor(ImGuiCol_Text, rgba(kOnBrand));
  const bool pressed = ImGui::Button(label, size);
  ImGui::PopStyleColor(4);
  return pressed;
}

ImVec4 clearColor() {
  return rgba(kPage);
}

}  // namespace pcs::client::theme
