#pragma once
// Typing into ImGui fields in a browser, including Chinese input methods (IME).
//
// A canvas cannot host an input method, and Emscripten's GLFW takes characters only from
// `keypress`, which composed text never fires. So the page has a hidden, focusable text box
// (#text-input, web/index.html) and the client keeps it focused while an ImGui text field is
// active and gives focus back to the canvas otherwise. A password field gets a hidden password
// box (#password-input) instead, so the browser turns the input method off there as it does for
// any password field (no composition, no candidate window showing the password). Contract:
//   * characters come from exactly one source: while the text box has focus, from its `input`
//     events (typed text) and `compositionend` (composed text); otherwise from GLFW's keypress
//     path. So Latin typing is never doubled;
//   * keys (Backspace, Delete, arrows, Home/End, Tab, Enter, Escape, Ctrl+A/C/V/X/Z) still reach
//     ImGui through GLFW, except a key pressed while the input method composes (isComposing or
//     keyCode 229): the Enter that picks a candidate must not submit a form;
//   * the text box sits at ImGui's text cursor (io.SetPlatformImeDataFn), so the input method's
//     candidate window opens next to what the user is typing.

struct GLFWwindow;

namespace pcs::client {

// Installs the page-side listeners. Call before glfwInit(): the composition filter must be
// registered ahead of GLFW's own keydown listener on `window`.
void installTextInput();

// Takes over the GLFW character callback and ImGui's IME hook. Call after
// ImGui_ImplGlfw_InitForOpenGL(window, true).
void connectTextInput(GLFWwindow* window);

// Moves the keyboard focus to the text box (the password box for a password field) when ImGui
// wants text, back to the canvas when it does not. Call once per frame, after the frame was built.
void syncTextInput();

}  // namespace pcs::client
