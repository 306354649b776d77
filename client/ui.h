#pragma once
// Small pieces every screen draws the same way: Chinese names of the server's keys, deadline
// and urgency badges (words + shape + colour), a text field backed by std::string, and times.

#include <cstdint>
#include <string>
#include <string_view>

#include "case_list.h"
#include "imgui.h"

namespace pcs::client::ui {

// Chinese for the API's keys; the key itself when unknown (a newer server).
std::string caseStateZh(std::string_view key);
std::string assignmentStateZh(std::string_view key);
std::string channelZh(std::string_view key);
std::string handlerZh(std::string_view key);
std::string actionZh(std::string_view key);
std::string satisfactionZh(std::string_view key);

// "2026-12-04 16:30" (Beijing time) for Unix seconds; "—" for 0.
std::string timeText(int64_t unixSeconds);

// A rounded label at the cursor, on one line with what follows when sameLine.
void badge(std::string_view text, ImU32 background, ImU32 foreground);

// The deadline badges of a case summary: ▲ 逾期N个工作日 / ● 剩余N个工作日 (due within 2) /
// 剩余N个工作日, and ◆ 紧急 for urgent cases. Draws nothing for a case without an open deadline.
void caseBadges(const CaseSummary& c);

// The badge texts and colours, for screens that draw with a draw list.
struct BadgeStyle {
  std::string text;
  ImU32 background = 0, foreground = 0;
};
bool dueBadgeStyle(const CaseSummary& c, BadgeStyle& out);  // false: no open deadline
inline constexpr int kDueSoonWorkingDays = 2;

// ImGui text fields on std::string (grows as the user types).
bool inputText(const char* label, std::string& text, int flags = 0);
bool inputTextWithHint(const char* label, const char* hint, std::string& text, int flags = 0);
bool inputMultiline(const char* label, std::string& text, ImVec2 size, int flags = 0);

// A label in the muted colour, then the value wrapped, on one row of a two-column form table.
void fieldRow(const char* label, std::string_view value);

// Shows `message` in the error colour, wrapped; nothing for an empty message.
void errorText(const std::string& message);
void noticeText(const std::string& message);

}  // namespace pcs::client::ui
