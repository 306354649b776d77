// The browser side of clipboard_web.h. The JavaScript keeps its state in Module.pcsClipboard.
#include "clipboard_web.h"

#include <emscripten.h>

#include <string>

#include "imgui.h"

// clang-format off
EM_JS(void, pcs_js_clipboard_install, (), {
  var state = {text: ""};
  Module.pcsClipboard = state;
  // The paste lands in the focused element (the hidden text box while a field is active); the
  // default is prevented so the box stays empty and ImGui inserts the text itself.
  document.addEventListener("paste", function (event) {
    if (!event.clipboardData) return;
    state.text = event.clipboardData.getData("text/plain");
    event.preventDefault();
  });
});

EM_JS(int, pcs_js_clipboard_size, (), {
  return lengthBytesUTF8(Module.pcsClipboard.text) + 1;
});

EM_JS(void, pcs_js_clipboard_read, (char* dst, int size), {
  stringToUTF8(Module.pcsClipboard.text, dst, size);
});

EM_JS(void, pcs_js_clipboard_write, (const char* utf8), {
  var text = UTF8ToString(utf8);
  Module.pcsClipboard.text = text;
  function viaCopyEvent() {
    function fill(event) {
      event.clipboardData.setData("text/plain", text);
      event.preventDefault();
    }
    document.addEventListener("copy", fill, true);
    try {
      if (!document.execCommand("copy")) console.warn("pcs: the browser refused to copy");
    } finally {
      document.removeEventListener("copy", fill, true);
    }
  }
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).catch(viaCopyEvent);
  } else {
    viaCopyEvent();
  }
});
// clang-format on

namespace pcs::client {
namespace {

// ImGui copies the text it gets before the next call, so one buffer is enough.
std::string gPasteBuffer;

const char* getClipboardText(void*) {
  gPasteBuffer.resize(static_cast<size_t>(pcs_js_clipboard_size()));
  pcs_js_clipboard_read(gPasteBuffer.data(), static_cast<int>(gPasteBuffer.size()));
  return gPasteBuffer.c_str();
}

void setClipboardText(void*, const char* text) {
  pcs_js_clipboard_write(text);
}

}  // namespace

void installClipboard() {
  pcs_js_clipboard_install();
  ImGuiIO& io = ImGui::GetIO();
  io.GetClipboardTextFn = getClipboardText;
  io.SetClipboardTextFn = setClipboardText;
  io.ClipboardUserData = nullptr;
}

}  // namespace pcs::client
