#include "app.h"

#include <GLES3/gl3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>

#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "test_hooks.h"
#include "theme.h"

namespace pcs::client {
namespace {

// Band heights in CSS pixels.
constexpr float kHeaderHeight = 64.0f;
constexpr float kStatusBarHeight = 36.0f;

// Moves the freshly built atlas to the GPU and frees the CPU copy (tens of MB at ratio 2).
void uploadFontAtlas(bool replacing) {
  if (replacing) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  } else {
    ImGui_ImplOpenGL3_CreateDeviceObjects();  // shaders and buffers, then the font texture
  }
  ImGui::GetIO().Fonts->ClearTexData();
}

}  // namespace

App::App(std::vector<unsigned char> fontBytes)
    : calendar_(Calendar::builtin()),
      fonts_(std::move(fontBytes), std::string(kTitle) + LoginPanel::kHeading),
      statusBar_(calendar_) {}

void App::start(const CanvasSize& canvas) {
  const auto begin = std::chrono::steady_clock::now();
  fonts_.buildFor(canvas.pixelRatio);
  uploadFontAtlas(false);
  const auto took = std::chrono::steady_clock::now() - begin;
  std::printf(
      "app: fonts ready in %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  adaptTo(canvas);
}

void App::adaptTo(const CanvasSize& canvas) {
  ImGuiIO& io = ImGui::GetIO();
  if (fonts_.buildFor(canvas.pixelRatio)) uploadFontAtlas(true);
  io.FontDefault = fonts_.body();
  io.FontGlobalScale = canvas.pixelRatio / fonts_.atlasScale();
  if (canvas.pixelRatio != styleScale_) {
    theme::apply(canvas.pixelRatio);
    styleScale_ = canvas.pixelRatio;
  }
}

void App::layout(const CanvasSize& canvas) {
  const float s = canvas.pixelRatio;
  const ImVec2 display(static_cast<float>(canvas.width), static_cast<float>(canvas.height));
  ImDrawList* back = ImGui::GetBackgroundDrawList();

  // Header: the system's name on the brand colour.
  const float headerBottom = kHeaderHeight * s;
  back->AddRectFilled(ImVec2(0, 0), ImVec2(display.x, headerBottom), theme::kBrand);
  ImFont* heading = fonts_.heading();
  const float headingSize = heading->FontSize * ImGui::GetIO().FontGlobalScale;
  back->AddText(heading, headingSize,
                ImVec2(ImGui::GetStyle().WindowPadding.x, (headerBottom - headingSize) * 0.5f),
                theme::kOnBrand, kTitle);

  // Status bar along the bottom.
  const float statusTop = display.y - kStatusBarHeight * s;
  statusBar_.draw(back, ImVec2(0, statusTop), display, static_cast<int64_t>(std::time(nullptr)));

  // The sign-in card in the middle of what is left.
  loginPanel_.draw(ImVec2(display.x * 0.5f, (headerBottom + statusTop) * 0.5f), s, heading);
}

void App::frame() {
  const CanvasSize canvas = fitCanvas();
  adaptTo(canvas);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // The GLFW back end reports the GLFW window size; the canvas backing store (device pixels)
  // is what we draw into, and mouse positions arrive in the same units.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(canvas.width), static_cast<float>(canvas.height));
  io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
  ImGui::NewFrame();
  beginExposedFrame(canvas.pixelRatio);
  layout(canvas);
  ImGui::Render();
  publishExposedFrame();

  const ImVec4 clear = theme::clearColor();
  glViewport(0, 0, canvas.width, canvas.height);
  glClearColor(clear.x, clear.y, clear.z, clear.w);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

  if (!shownFirstFrame_) {
    shownFirstFrame_ = true;
    markReady();
  }
}

}  // namespace pcs::client
