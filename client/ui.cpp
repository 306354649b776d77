#include "ui.h"

#include "imgui_internal.h"
#include "pcs/date.h"
#include "pcs/serialize.h"
#include "theme.h"

namespace pcs::client::ui {
namespace {

template <class E, class ToZh>
std::string zh(std::string_view key, ToZh toZh) {
  const std::optional<E> value = detail::enumFromKey<E>(key);
  return value ? std::string(toZh(*value)) : std::string(key);
}

int resizeCallback(ImGuiInputTextCallbackData* data) {
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    auto* text = static_cast<std::string*>(data->UserData);
    text->resize(static_cast<size_t>(data->BufTextLen));
    data->Buf = text->data();
  }
  return 0;
}

}  // namespace

std::string caseStateZh(std::string_view key) {
  return zh<CaseState>(key, [](CaseState s) { return pcs::caseStateZh(s); });
}
std::string assignmentStateZh(std::string_view key) {
  return zh<AssignmentState>(key, [](AssignmentState s) { return pcs::assignmentStateZh(s); });
}
std::string channelZh(std::string_view key) {
  return zh<Channel>(key, [](Channel c) { return pcs::channelZh(c); });
}
std::string handlerZh(std::string_view key) {
  return zh<Handler>(key, [](Handler h) { return std::string(handlerNameZh(h)); });
}
std::string actionZh(std::string_view key) {
  return zh<Action>(key, [](Action a) { return pcs::actionZh(a); });
}
std::string satisfactionZh(std::string_view key) {
  return zh<Satisfaction>(key, [](Satisfaction s) { return pcs::satisfactionZh(s); });
}

std::string timeText(int64_t unixSeconds) {
  return unixSeconds == 0 ? std::string("—") : formatCst(unixSeconds);
}

void badge(std::string_view text, ImU32 background, ImU32 foreground) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 padding(style.FramePadding.x * 0.6f, style.FramePadding.y * 0.35f);
  const ImVec2 textSize = ImGui::CalcTextSize(text.data(), text.data() + text.size());
  const ImVec2 size(textSize.x + padding.x * 2, textSize.y + padding.y * 2);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), background, style.FrameRounding);
  dl->AddText(ImVec2(pos.x + padding.x, pos.y + padding.y), foreground, text.data(),
              text.data() + text.size());
  ImGui::Dummy(size);
}

bool dueBadgeStyle(const CaseSummary& c, BadgeStyle& out) {
  if (!c.hasDue) return false;
  const int left = c.workingDaysLeft;
  if (c.overdue || left < 0) {
    out.text = "▲ 逾期" + std::to_string(left < 0 ? -left : 0) + "个工作日";
    out.background = theme::kOverdueBg;
    out.foreground = theme::kOnBrand;
  } else if (left <= kDueSoonWorkingDays) {
    out.text = left == 0 ? "● 今日到期" : "● 剩余" + std::to_string(left) + "个工作日";
    out.background = theme::kDueSoonBg;
    out.foreground = theme::kTextDark;
  } else {
    out.text = "剩余" + std::to_string(left) + "个工作日";
    out.background = theme::kOnTimeBg;
    out.foreground = theme::kTextDark;
  }
  return true;
}

void caseBadges(const CaseSummary& c) {
  bool first = true;
  if (c.urgent) {
    badge("◆ 紧急", theme::kUrgentBg, theme::kOnBrand);
    first = false;
  }
  BadgeStyle due;
  if (dueBadgeStyle(c, due)) {
    if (!first) ImGui::SameLine();
    badge(due.text, due.background, due.foreground);
  }
}

bool inputText(const char* label, std::string& text, int flags) {
  return ImGui::InputText(label, text.data(), text.capacity() + 1,
                          flags | ImGuiInputTextFlags_CallbackResize, resizeCallback, &text);
}

bool inputTextWithHint(const char* label, const char* hint, std::string& text, int flags) {
  return ImGui::InputTextWithHint(label, hint, text.data(), text.capacity() + 1,
                                  flags | ImGuiInputTextFlags_CallbackResize, resizeCallback,
                                  &text);
}

bool inputMultiline(const char* label, std::string& text, ImVec2 size, int flags) {
  return ImGui::InputTextMultiline(label, text.data(), text.capacity() + 1, size,
                                   flags | ImGuiInputTextFlags_CallbackResize, resizeCallback,
                                   &text);
}

void fieldRow(const char* label, std::string_view value) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextDisabled("%s", label);
  ImGui::TableNextColumn();
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(value.data(), value.data() + value.size());
  ImGui::PopTextWrapPos();
}

void errorText(const std::string& message) {
  if (message.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, theme::kError);
  ImGui::TextWrapped("%s", message.c_str());
  ImGui::PopStyleColor();
}

void noticeText(const std::string& message) {
  if (message.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextNotice);
  ImGui::TextWrapped("%s", message.c_str());
  ImGui::PopStyleColor();
}

}  // namespace pcs::client::ui
