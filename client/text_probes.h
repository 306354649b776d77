#pragma once
// Test-only views of text the canvas draws, for the browser tests (tests/browser/):
//   window.pcsMissingGlyphs(text) -> the code points of `text` the body font's atlas has no
//                                    glyph for (ImFont::FindGlyphNoFallback), [] when all draw;
//                                    control characters (below U+0020) are never reported
//   window.pcsDebugField()        -> {text, length, active, password} of the ImGui text field
//                                    edited last, or null; a password field's text is never
//                                    given (null), only its length in characters
// Read only; they change nothing in the client.

namespace pcs::client {

// Defines the two functions on window. Call once, after the font atlas was built.
void publishTextProbes();

}  // namespace pcs::client
