#include "app.h"

#include <GLES3/gl3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>

#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "json_util.h"
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
    : fonts_(std::move(fontBytes),
             std::string(kTitle) + LoginPanel::kHeading + MeetingMode::headingText()),
      statusBar_(session_.calendar()) {
  session_.net().setSessionEndedHandler([this] {
    if (!session_.signedIn()) return;
    session_.end();
    resetScreens();
    loginPanel_.setNotice("会话已过期或已在别处退出，请重新登录。");
  });
}

void App::start(const CanvasSize& canvas) {
  const auto begin = std::chrono::steady_clock::now();
  fonts_.buildFor(canvas.pixelRatio);
  uploadFontAtlas(false);
  const auto took = std::chrono::steady_clock::now() - begin;
  std::printf(
      "app: fonts ready in %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  adaptTo(canvas);

  // A session cookie from earlier in this browser session signs the user straight in.
  session_.net().get("/api/v1/auth/me", [this](const Response& r) {
    checkingSession_ = false;
    if (r.ok()) {
      const JsonDoc doc = parseJson(r.body);
      if (doc.valid()) session_.begin(doc.root());
    } else if (r.status == 0) {
      loginPanel_.setNotice("无法连接服务器，请检查网络后刷新页面。");
    }
  });
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

void App::show(ScreenId screen) {
  screen_ = screen;
}

void App::openCase(const std::string& caseId) {
  // A case just registered carries the routing entries the clerk confirmed into dispatch.
  detail_.open(session_, caseId,
               screen_ == ScreenId::Intake ? intake_.confirmedCodes() : std::vector<std::string>{});
  screen_ = ScreenId::Case;
}

void App::caseChanged(const std::string&) {
  board_.invalidate();
  supervision_.invalidate();
  oversight_.invalidate();
}

void App::resetScreens() {
  // Nothing one user saw may show to the next one on this browser: every screen starts over.
  // Answers still in flight for the old screens are dropped (each checks its case id, its list
  // generation or its query before using an answer).
  board_ = Board{};
  intake_ = Intake{};
  detail_ = CaseDetail{};
  supervision_ = Supervision{};
  oversight_ = OversightScreen{};
  meeting_ = MeetingMode{};
  reports_ = ReportsScreen{};
  joint_ = JointMeeting{};
  import_ = ImportScreen{};
  screen_ = ScreenId::Board;
}

void App::signOut() {
  session_.net().post("/api/v1/auth/logout", "{}", [](const Response&) {});
  session_.end();
  resetScreens();
  loginPanel_.setNotice("已退出登录。");
  screen_ = ScreenId::Board;
}

void App::drawHeader(const CanvasSize& canvas, float bottom) {
  const float s = canvas.pixelRatio;
  ImDrawList* back = ImGui::GetBackgroundDrawList();
  back->AddRectFilled(ImVec2(0, 0), ImVec2(static_cast<float>(canvas.width), bottom),
                      theme::kBrand);
  ImFont* heading = fonts_.heading();
  const float headingSize = heading->FontSize * ImGui::GetIO().FontGlobalScale;
  back->AddText(heading, headingSize,
                ImVec2(ImGui::GetStyle().WindowPadding.x, (bottom - headingSize) * 0.5f),
                theme::kOnBrand, kTitle);
  if (!session_.signedIn()) return;

  // The signed-in user and the sign-out button at the right end of the band.
  const User& user = session_.user();
  std::string who = user.displayName + "（" + user.unitName + "）";
  const float buttonWidth = 72 * s;
  const float textWidth = ImGui::CalcTextSize(who.c_str()).x;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float width = textWidth + style.ItemSpacing.x + buttonWidth + style.WindowPadding.x * 2;
  ImGui::SetNextWindowPos(ImVec2(static_cast<float>(canvas.width) - width, 0));
  ImGui::SetNextWindowSize(ImVec2(width, bottom));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, theme::kBrand);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
  ImGui::Begin("##user", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::SetCursorPosY((bottom - ImGui::GetFrameHeight()) * 0.5f);
  ImGui::PushStyleColor(ImGuiCol_Text, theme::kOnBrand);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(who.c_str());
  ImGui::PopStyleColor();
  ImGui::SameLine();
  if (ImGui::Button("退出", ImVec2(buttonWidth, 0))) signOut();
  exposeItem("app.logout");
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

void App::drawTabs(float scale) {
  struct Tab {
    ScreenId id;
    const char* label;
    const char* name;
    bool shown;
  };
  const User& user = session_.user();
  const Tab tabs[] = {
      {ScreenId::Board, "案件看板", "tab.board", true},
      {ScreenId::Intake, "受理登记", "tab.intake", user.mayRegister()},
      {ScreenId::Import, "导入台账", "tab.import", user.mayRegister()},
      {ScreenId::Case, "案件详情", "tab.case", detail_.hasCase()},
      {ScreenId::Supervision, "督办查询", "tab.supervision", true},
      {ScreenId::Oversight, "监督检查", "tab.oversight", OversightScreen::shownTo(session_)},
      {ScreenId::Reports, "统计报表", "tab.reports", ReportsScreen::shownTo(user)},
      {ScreenId::Meeting, "会议大屏", "tab.meeting", true},
      // Last: it appears once the server answered, and must not move the tabs before it.
      {ScreenId::JointMeeting, "联席会议", "tab.joint", joint_.shownTo(session_)},
  };
  bool first = true;
  for (const Tab& tab : tabs) {
    if (!tab.shown) continue;
    if (!first) ImGui::SameLine();
    first = false;
    const bool active = screen_ == tab.id;
    if (active) {
      if (theme::primaryButton(tab.label, ImVec2(0, 0))) screen_ = tab.id;
    } else if (ImGui::Button(tab.label)) {
      screen_ = tab.id;
    }
    exposeItem(tab.name);
  }
  (void)scale;
}

void App::drawScreen(const CanvasSize& canvas, float top, float bottom) {
  const float s = canvas.pixelRatio;
  ImGui::SetNextWindowPos(ImVec2(0, top));
  ImGui::SetNextWindowSize(ImVec2(static_cast<float>(canvas.width), bottom - top));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(16 * s, 12 * s));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, theme::kPage);
  ImGui::Begin("##screen", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PopStyleColor();
  drawTabs(s);
  ImGui::Separator();
  switch (screen_) {
    case ScreenId::Board:
      board_.draw(session_, *this, s);
      break;
    case ScreenId::Intake:
      intake_.draw(session_, *this, s);
      break;
    case ScreenId::Case:
      detail_.draw(session_, *this, s);
      break;
    case ScreenId::Supervision:
      supervision_.draw(session_, *this, s);
      break;
    case ScreenId::Oversight:
      oversight_.draw(session_, *this, s);
      break;
    case ScreenId::Import:
      import_.draw(session_, *this, s);
      break;
    case ScreenId::Reports:
      reports_.draw(session_, *this, s);
      break;
    case ScreenId::JointMeeting:
      joint_.draw(session_, *this, s);
      break;
    case ScreenId::Meeting:
      break;  // drawn full screen by layout()
  }
  ImGui::End();
  ImGui::PopStyleVar(2);
}

void App::layout(const CanvasSize& canvas) {
  const float s = canvas.pixelRatio;
  const ImVec2 display(static_cast<float>(canvas.width), static_cast<float>(canvas.height));

  if (session_.signedIn() && screen_ == ScreenId::Meeting) {
    meeting_.draw(session_, *this, canvas, fonts_.heading());
    return;
  }

  const float headerBottom = kHeaderHeight * s;
  drawHeader(canvas, headerBottom);

  const float statusTop = display.y - kStatusBarHeight * s;
  statusBar_.draw(ImGui::GetBackgroundDrawList(), ImVec2(0, statusTop), display,
                  static_cast<int64_t>(std::time(nullptr)));

  if (!session_.signedIn()) {
    if (checkingSession_) return;
    loginPanel_.draw(session_, ImVec2(display.x * 0.5f, (headerBottom + statusTop) * 0.5f), s,
                     fonts_.heading());
    return;
  }
  drawScreen(canvas, headerBottom, statusTop);
}

void App::frame() {
  const CanvasSize canvas = fitCanvas();
  adaptTo(canvas);

  const auto cpuStart = std::chrono::steady_clock::now();
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
  recordFrameTime(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - cpuStart)
          .count());
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
