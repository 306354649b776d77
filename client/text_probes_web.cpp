// The browser side of text_probes.h.
#include <emscripten.h>

#include <cstdio>
#include <string>

#include "imgui.h"
#include "imgui_internal.h"
#include "text_probes.h"

// 1 when the body font (ImGui's default font) has a glyph of its own for `codepoint`.
extern "C" EMSCRIPTEN_KEEPALIVE int pcs_probe_has_glyph(unsigned int codepoint) {
  const ImFont* font = ImGui::GetIO().FontDefault;
  if (font == nullptr) font = ImGui::GetFont();
  if (font == nullptr || codepoint > IM_UNICODE_CODEPOINT_MAX) return 0;
  return font->FindGlyphNoFallback(static_cast<ImWchar>(codepoint)) != nullptr ? 1 : 0;
}

// The last edited field as a JSON object (see text_probes.h); the pointer stays valid until
// the next call.
extern "C" EMSCRIPTEN_KEEPALIVE const char* pcs_probe_field() {
  static std::string json;
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  const ImGuiInputTextState& state = g.InputTextState;
  if (state.ID == 0 || state.TextW.Size == 0) {
    json = "null";
    return json.c_str();
  }
  const bool password = (state.Flags & ImGuiInputTextFlags_Password) != 0;
  std::string text;
  if (!password) {
    text.resize(static_cast<size_t>(state.CurLenW) * 4 + 1);  // at most 4 bytes a character
    const int n = ImTextStrToUtf8(text.data(), static_cast<int>(text.size()), state.TextW.Data,
                                  state.TextW.Data + state.CurLenW);
    text.resize(static_cast<size_t>(n));
  }
  json = "{\"length\":" + std::to_string(state.CurLenW) + ",\"active\":";
  json += g.ActiveId == state.ID ? "true" : "false";
  json += ",\"password\":";
  json += password ? "true" : "false";
  json += ",\"text\":";
  if (password) {
    json += "null";
  } else {
    json += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') {
        json += '\\';
        json += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
        json += escaped;
      } else {
        json += c;
      }
    }
    json += '"';
  }
  json += '}';
  return json.c_str();
}

// clang-format off
EM_JS(void, pcs_js_publish_text_probes, (), {
  window.pcsMissingGlyphs = function (text) {
    var missing = [];
    var s = String(text);
    for (var i = 0; i < s.length; i++) {
      var cp = s.codePointAt(i);
      if (cp > 0xffff) i++;
      if (cp >= 0x20 && !_pcs_probe_has_glyph(cp)) missing.push(cp);
    }
    return missing;
  };
  window.pcsDebugField = function () {
    return JSON.parse(UTF8ToString(_pcs_probe_field()));
  };
});
// clang-format on

namespace pcs::client {

void publishTextProbes() {
  pcs_js_publish_text_probes();
}

}  // namespace pcs::client
