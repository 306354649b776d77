#pragma once
// The client application: the session, the fonts and the screens, and the frame around them
// (header with the signed-in user, the screen tabs, the status bar). The GLFW/WebGL set-up
// lives in main.cpp.

#include <vector>

#include "board.h"
#include "case_detail.h"
#include "fonts.h"
#include "import_screen.h"
#include "intake.h"
#include "joint_meeting.h"
#include "login_panel.h"
#include "meeting_mode.h"
#include "navigator.h"
#include "oversight_screen.h"
#include "platform.h"
#include "reports_screen.h"
#include "session.h"
#include "status_bar.h"
#include "supervision.h"

namespace pcs::client {

class App : public Navigator {
 public:
  // The system's name, shown in the header.
  static constexpr const char* kTitle = "物业投诉转办处置系统";

  // Throws pcs::Error when the built-in calendar data is malformed.
  explicit App(std::vector<unsigned char> fontBytes);

  // Builds the font atlas for `canvas`, creates the renderer's GPU objects and asks the
  // server whether a session is open. Call once, after the ImGui back ends are initialised.
  void start(const CanvasSize& canvas);

  // Lays out and renders one frame. Throws std::runtime_error if the fonts cannot be rebuilt.
  void frame();

  // Navigator
  void show(ScreenId screen) override;
  void openCase(const std::string& caseId) override;
  void caseChanged(const std::string& caseId) override;

 private:
  // Brings fonts and style in line with the pixel ratio; rebuilds only when it changed.
  void adaptTo(const CanvasSize& canvas);
  void layout(const CanvasSize& canvas);
  void drawHeader(const CanvasSize& canvas, float bottom);
  void drawTabs(float scale);
  void drawScreen(const CanvasSize& canvas, float top, float bottom);
  void signOut();
  void resetScreens();

  Session session_;
  Fonts fonts_;
  StatusBar statusBar_;
  LoginPanel loginPanel_;
  Board board_;
  Intake intake_;
  ImportScreen import_;
  CaseDetail detail_;
  Supervision supervision_;
  OversightScreen oversight_;
  MeetingMode meeting_;
  ReportsScreen reports_;
  JointMeeting joint_;
  ScreenId screen_ = ScreenId::Board;
  bool checkingSession_ = true;  // the start-up /auth/me is in flight
  float styleScale_ = 0.0f;
  bool shownFirstFrame_ = false;
};

}  // namespace pcs::client
