#pragma once
// What the client needs from the page it runs in. One implementation per platform, chosen by
// CMake: platform_web.cpp (the browser, through Emscripten) is the only one so far.

#include <cstddef>
#include <string_view>
#include <vector>

namespace pcs::client {

// The drawing surface in device pixels, and how many device pixels make one CSS pixel.
struct CanvasSize {
  int width = 1;
  int height = 1;
  float pixelRatio = 1.0f;
};

// Sizes the canvas backing store to its on-screen size times the device pixel ratio, so text
// maps one-to-one onto screen pixels. Cheap when nothing changed; call once per frame.
CanvasSize fitCanvas();

// Takes the mouse wheel from the canvas instead of the whole document. Dear ImGui's GLFW
// backend listens on the document, where browsers make wheel listeners passive, so each turn of
// the wheel logged "Unable to preventDefault inside passive event listener". Call after the
// ImGui backend is initialised.
void takeWheelOnCanvas();

// The CJK font bytes the page fetched before main() started; empty when they did not arrive.
// Hands them over once: a second call returns an empty vector.
std::vector<unsigned char> takeFontBytes();

// Tells the page that the first frame is on screen: hides the loading indicator and sets
// window.pcsReady, which the browser tests wait for.
void markReady();

// What the user can do about a fatal error; the page words the advice.
enum class ErrorAdvice {
  Reload,         // a passing failure: check the network and reload
  ChangeBrowser,  // this browser or machine cannot run the client (no WebGL2)
};

// Replaces the canvas with an error message for the user (Simplified Chinese), for failures
// the client cannot recover from.
void showFatalError(std::string_view message, ErrorAdvice advice = ErrorAdvice::Reload);

// Publishes today's calendar facts as window.pcsToday so tests can compare the browser's
// (WebAssembly) answer with the server's for the same date.
void publishToday(std::string_view date, std::string_view kind, bool working, bool provisional);

}  // namespace pcs::client
