// The browser client's entry point: opens a WebGL2 context through GLFW, sets up Dear ImGui,
// and hands every animation frame to App. Failures end in a message on the page, never a blank
// canvas.
#include <GLFW/glfw3.h>
#include <emscripten.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "clipboard_web.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "platform.h"
#include "text_input_web.h"
#include "text_probes.h"

namespace {

using pcs::client::App;

// Shaders for WebGL2 (OpenGL ES 3.0).
constexpr const char* kGlslVersion = "#version 300 es";

void fail(const std::string& message,
          pcs::client::ErrorAdvice advice = pcs::client::ErrorAdvice::Reload) {
  std::fprintf(stderr, "client: %s\n", message.c_str());
  pcs::client::showFatalError(message, advice);
}

using Clock = std::chrono::steady_clock;

// Milliseconds since `since`, for the start-up timings tools/bench client reports.
long long millisSince(Clock::time_point since) {
  const auto elapsed = Clock::now() - since;
  return std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
}

void runFrame(void* arg) {
  try {
    static bool first = true;
    const auto begin = Clock::now();
    static_cast<App*>(arg)->frame();
    pcs::client::syncTextInput();
    if (first) {
      first = false;
      std::printf("client: first frame took %lld ms\n", millisSince(begin));
    }
  } catch (const std::exception& e) {
    emscripten_cancel_main_loop();
    fail(std::string("运行出错：") + e.what());
  }
}

}  // namespace

int main() {
  App* app = nullptr;
  try {
    std::vector<unsigned char> font = pcs::client::takeFontBytes();
    if (font.empty()) {
      fail("字体文件未能加载，请刷新页面重试。");
      return 1;
    }

    // The canvas is sized by the page's style sheet; GLFW only needs a context on it.
    const pcs::client::CanvasSize canvas = pcs::client::fitCanvas();
    pcs::client::installTextInput();  // ahead of GLFW's key listeners (see the header)
    const auto contextBegin = Clock::now();
    if (!glfwInit()) {
      fail("无法初始化图形界面，请刷新页面重试。");
      return 1;
    }
    glfwWindowHint(GLFW_DEPTH_BITS, 0);
    glfwWindowHint(GLFW_STENCIL_BITS, 0);
    glfwWindowHint(GLFW_SAMPLES, 0);
    GLFWwindow* window =
        glfwCreateWindow(canvas.width, canvas.height, App::kTitle, nullptr, nullptr);
    if (!window) {
      fail("您的浏览器无法创建 WebGL 2 绘图环境，本系统无法显示。",
           pcs::client::ErrorAdvice::ChangeBrowser);
      return 1;
    }
    glfwMakeContextCurrent(window);
    std::printf("client: WebGL context in %lld ms\n", millisSince(contextBegin));

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing is remembered between visits
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init(kGlslVersion);
    pcs::client::takeWheelOnCanvas();
    pcs::client::connectTextInput(window);
    pcs::client::installClipboard();

    // The app lives as long as the page: it is never deleted, because the browser's frame
    // loop below keeps calling it after main() has unwound.
    app = new App(std::move(font));
    app->start(pcs::client::fitCanvas());
    pcs::client::publishTextProbes();
  } catch (const std::exception& e) {
    fail(std::string("启动失败：") + e.what());
    return 1;
  }

  // Hands control to the browser (requestAnimationFrame); this call does not return.
  emscripten_set_main_loop_arg(runFrame, app, 0, true);
  return 0;
}
