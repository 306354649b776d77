#pragma once
// ImGui's clipboard (Ctrl+C/X/V in text fields) connected to the system clipboard in a browser.
//
// Browsers let a page read the clipboard only inside a paste event, and ImGui asks for the text
// one frame later, synchronously. So the page keeps the text of the latest `paste` event
// (clipboardData) and of the latest copy out of the app, and ImGui's Ctrl+V reads whichever is
// newer. A copy out of the app (ImGui's SetClipboardText) goes to navigator.clipboard.writeText
// where the page may use it (a secure context: HTTPS or 127.0.0.1), else to a `copy` event
// raised with document.execCommand("copy") while the key press still counts as user activation.

namespace pcs::client {

// Replaces the GLFW back end's clipboard functions (Emscripten's GLFW has no clipboard). Call
// after ImGui_ImplGlfw_InitForOpenGL.
void installClipboard();

}  // namespace pcs::client
