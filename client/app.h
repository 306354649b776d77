#pragma once
// The client application: owns the domain data the screens read (the official calendar), the
// fonts, and the panels, and lays out one frame. The GLFW/WebGL set-up lives in main.cpp.

#include <vector>

#include "fonts.h"
#include "login_panel.h"
#include "pcs/calendar.h"
#include "platform.h"
#include "status_bar.h"

namespace pcs::client {

class App {
 public:
  // The system's name, shown in the header.
  static constexpr const char* kTitle = "物业投诉转办处置系统";

  // Throws pcs::Error when the built-in calendar data is malformed.
  explicit App(std::vector<unsigned char> fontBytes);

  // Builds the font atlas for `canvas` and creates the renderer's GPU objects. Call once, after
  // the ImGui platform and renderer back ends are initialised.
  void start(const CanvasSize& canvas);

  // Lays out and renders one frame. Throws std::runtime_error if the fonts cannot be rebuilt.
  void frame();

 private:
  // Brings fonts and style in line with the pixel ratio; rebuilds only when it changed.
  void adaptTo(const CanvasSize& canvas);
  void layout(const CanvasSize& canvas);

  Calendar calendar_;
  Fonts fonts_;
  StatusBar statusBar_;
  LoginPanel loginPanel_;
  float styleScale_ = 0.0f;
  bool shownFirstFrame_ = false;
};

}  // namespace pcs::client
