// The browser side of text_input_web.h. The JavaScript keeps its state in Module.pcsTextInput.
#include "text_input_web.h"

#include <GLFW/glfw3.h>
#include <emscripten.h>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_internal.h"

// Called by the page for each character of typed or composed text, in the order typed, so the
// characters interleave correctly with the keys GLFW forwards (Backspace between two letters).
extern "C" EMSCRIPTEN_KEEPALIVE void pcs_text_input_char(unsigned int codepoint) {
  ImGui::GetIO().AddInputCharacter(codepoint);
}

// clang-format off
EM_JS(void, pcs_js_text_input_install, (), {
  var text = document.getElementById("text-input");
  var password = document.getElementById("password-input");
  if (!text || !password) {
    console.warn("pcs: #text-input or #password-input missing; input methods will not work");
    return;
  }
  // boxes[1] for text fields, boxes[2] for password fields (the mode syncTextInput passes).
  var state = {boxes: [null, text, password], composing: false};
  Module.pcsTextInput = state;

  function send(chars) {
    for (var i = 0; i < chars.length; i++) {
      var cp = chars.codePointAt(i);
      if (cp > 0xffff) i++;  // the low surrogate of this pair
      if (cp >= 0x20 && cp !== 0x7f) _pcs_text_input_char(cp);
    }
  }

  // Keys pressed while the input method composes belong to it: hidden from GLFW (registered
  // before GLFW's capture listener on window, so it runs first), but not prevented, so the
  // input method still gets them.
  function composingKey(event) {
    if (event.isComposing || event.keyCode === 229) event.stopImmediatePropagation();
  }
  window.addEventListener("keydown", composingKey, true);
  window.addEventListener("keyup", composingKey, true);

  function listen(box) {
    box.addEventListener("compositionstart", function () { state.composing = true; });
    box.addEventListener("compositionend", function (event) {
      state.composing = false;
      if (event.data) send(event.data);
      box.value = "";
    });
    box.addEventListener("input", function (event) {
      if (event.isComposing || state.composing) return;  // compositionend delivers the text
      // Only plain insertions carry characters: line breaks and deletions arrive as keys
      // through GLFW, a paste through ImGui's Ctrl+V, and Firefox's input after compositionend
      // (insertCompositionText) would repeat the composed text.
      if (event.inputType === "insertText" && event.data) send(event.data);
      box.value = "";
    });
    // Leaving the box (a click on the canvas, another window) ends a composition for good.
    box.addEventListener("blur", function () {
      state.composing = false;
      box.value = "";
    });
  }
  listen(text);
  listen(password);
});

EM_JS(int, pcs_js_text_input_focused, (), {
  var state = Module.pcsTextInput;
  if (!state) return 0;
  var active = document.activeElement;
  return active === state.boxes[1] || active === state.boxes[2] ? 1 : 0;
});

EM_JS(void, pcs_js_text_input_focus, (int mode), {
  var state = Module.pcsTextInput;
  if (!state) return;
  var want = state.boxes[mode] || null;
  var active = document.activeElement;
  if (want && active !== want) {
    want.value = "";
    want.focus({preventScroll: true});
  } else if (!want && (active === state.boxes[1] || active === state.boxes[2])) {
    active.blur();
    Module.canvas.focus({preventScroll: true});
  }
});

EM_JS(void, pcs_js_text_input_place, (float x, float y, float lineHeight), {
  var state = Module.pcsTextInput;
  if (!state) return;
  // ImGui works in device pixels of the canvas backing store; the page in CSS pixels.
  var canvas = Module.canvas;
  var rect = canvas.getBoundingClientRect();
  var ratio = canvas.width > 0 && rect.width > 0 ? canvas.width / rect.width : 1;
  for (var i = 1; i <= 2; i++) {
    var style = state.boxes[i].style;
    style.left = (rect.left + x / ratio).toFixed(1) + "px";
    style.top = (rect.top + y / ratio).toFixed(1) + "px";
    style.height = Math.max(1, lineHeight / ratio).toFixed(1) + "px";
  }
});
// clang-format on

namespace pcs::client {
namespace {

// Characters from GLFW's keypress path count only while the text box is not focused: then the
// box's input events are the source (see the header).
void onGlfwChar(GLFWwindow* window, unsigned int codepoint) {
  if (pcs_js_text_input_focused()) return;
  ImGui_ImplGlfw_CharCallback(window, codepoint);
}

void onImeData(ImGuiViewport*, ImGuiPlatformImeData* data) {
  if (data->WantVisible)
    pcs_js_text_input_place(data->InputPos.x, data->InputPos.y, data->InputLineHeight);
}

}  // namespace

void installTextInput() {
  pcs_js_text_input_install();
}

void connectTextInput(GLFWwindow* window) {
  glfwSetCharCallback(window, onGlfwChar);
  ImGui::GetIO().SetPlatformImeDataFn = onImeData;
}

void syncTextInput() {
  // Set by an active InputText during the frame just built (imgui_widgets.cpp); io.WantTextInput
  // would be a frame behind.
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  int mode = 0;  // which box takes the keys: 0 none (the canvas), 1 text, 2 password
  if (g.WantTextInputNextFrame == 1) {
    const bool password = g.InputTextState.ID == g.ActiveId &&
                          (g.InputTextState.Flags & ImGuiInputTextFlags_Password) != 0;
    mode = password ? 2 : 1;
  }
  pcs_js_text_input_focus(mode);
}

}  // namespace pcs::client
