// The 联席会议 tab and the pieces its sub-views share.
//
// Sections: requests and access | helpers | unit pickers | marks | the tab
#include "joint_meeting.h"

#include <algorithm>
#include <ctime>

#include "imgui.h"
#include "pcs/date.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {

// ---- requests and access --------------------------------------------------------------------

ResponseHandler JmRequests::guarded(ResponseHandler done) const {
  std::weak_ptr<char> alive = alive_;
  return [alive, done = std::move(done)](const Response& r) {
    if (alive.lock()) done(r);
  };
}

void JmRequests::get(Session& session, const std::string& path, ResponseHandler done) {
  session.net().get(path, guarded(std::move(done)));
}

void JmRequests::post(Session& session, const std::string& path, std::string body,
                      ResponseHandler done) {
  session.net().post(path, std::move(body), guarded(std::move(done)));
}

void JmRequests::load(Session& session, const std::string& path, bool& loading, bool& loaded,
                      std::string& error, std::function<void(const JsonDoc&)> read) {
  if (loading) return;
  loading = true;
  get(session, path, [&loading, &loaded, &error, read = std::move(read)](const Response& r) {
    loading = false;
    loaded = true;
    if (!r.ok()) {
      error = r.errorText();
      return;
    }
    error.clear();
    const JsonDoc doc = parseJson(r.body);
    if (doc.valid()) read(doc);
  });
}

void askJmAccess(Session& session, JmRequests& net, JmAccess& into) {
  net.get(session, "/api/v1/joint-meeting/access", [&into](const Response& r) {
    into.known = true;
    if (!r.ok()) return;  // an older server: nothing shown
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    const JsonValue& a = doc.root();
    into.read = flag(a, "read");
    into.edit = flag(a, "edit");
    into.seePhones = flag(a, "see_phones");
    into.officeHead = flag(a, "office_head");
    into.memberUnit = flag(a, "member_unit");
  });
}

namespace jm {

// ---- helpers --------------------------------------------------------------------------------

std::string todayText() {
  return cstDate(static_cast<int64_t>(std::time(nullptr))).toString();
}

std::string monthText() {
  return todayText().substr(0, 7);
}

bool blank(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (text.substr(i, 3) == "\u3000") {  // the ideographic space an input method types
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

std::vector<std::string> lines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
      line.remove_suffix(1);
    if (!blank(line)) out.emplace_back(line);
    start = end + 1;
  }
  return out;
}

std::vector<std::string> caseNumbers(std::string_view text) {
  std::string plain(text);
  // Full-width separators a pasted list may carry become spaces first.
  for (const char* sep : {"、", "，", "；", "\u3000"}) {
    const std::string s(sep);
    for (size_t at = plain.find(s); at != std::string::npos; at = plain.find(s, at))
      plain.replace(at, s.size(), " ");
  }
  std::vector<std::string> out;
  std::string current;
  for (const char c : plain + " ") {
    if (c == ' ' || c == ',' || c == ';' || c == '\n' || c == '\r' || c == '\t') {
      if (!current.empty() &&
          std::find(out.begin(), out.end(), current) == out.end())  // a number pasted twice
        out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return out;
}

void labelledField(const char* label, const char* id, const char* hint, std::string& text,
                   float width) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(width);
  ui::inputTextWithHint(id, hint, text);
}

// ---- unit pickers ---------------------------------------------------------------------------

namespace {

bool matches(const OrgUnit& u, const std::string& filter) {
  return filter.empty() || u.name.find(filter) != std::string::npos ||
         u.id.find(filter) != std::string::npos;
}

bool allowed(const std::vector<std::string>* among, const std::string& id) {
  return !among || std::find(among->begin(), among->end(), id) != among->end();
}

}  // namespace

void unitPicker(const std::string& name, Session& session, std::string& filter, std::string& chosen,
                const std::vector<std::string>* among, float height) {
  ImGui::PushID(name.c_str());
  ImGui::SetNextItemWidth(-FLT_MIN);
  ui::inputTextWithHint("##filter", "输入单位名称的一部分筛选", filter);
  exposeItem(name + ".filter");
  if (ImGui::BeginListBox("##units", ImVec2(-FLT_MIN, height))) {
    int shown = 0;
    for (const auto& [id, u] : session.units()) {
      if (!u.active || !allowed(among, id) || !matches(u, filter)) continue;
      ++shown;
      if (ImGui::Selectable((u.name + "##" + id).c_str(), chosen == id)) chosen = id;
      exposeItem(name + ".option." + id);
    }
    if (shown == 0) ImGui::TextDisabled(session.unitsLoaded() ? "没有符合条件的单位" : "正在载入…");
    ImGui::EndListBox();
  }
  ImGui::TextDisabled("已选：%s", chosen.empty() ? "（未选）" : session.unitName(chosen).c_str());
  ImGui::PopID();
}

void unitChecklist(const std::string& name, Session& session, std::string& filter,
                   std::vector<std::string>& chosen, const std::vector<std::string>* among,
                   float height) {
  ImGui::PushID(name.c_str());
  std::string names;
  for (const std::string& id : chosen) names += (names.empty() ? "" : "、") + session.unitName(id);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("已选 %zu 个：%s", chosen.size(), names.empty() ? "（无）" : names.c_str());
  ImGui::PopTextWrapPos();
  ImGui::SetNextItemWidth(-FLT_MIN);
  ui::inputTextWithHint("##filter", "输入单位名称的一部分筛选", filter);
  exposeItem(name + ".filter");
  if (ImGui::BeginListBox("##units", ImVec2(-FLT_MIN, height))) {
    int shown = 0;
    for (const auto& [id, u] : session.units()) {
      if (!u.active || !allowed(among, id) || !matches(u, filter)) continue;
      ++shown;
      const auto at = std::find(chosen.begin(), chosen.end(), id);
      bool on = at != chosen.end();
      if (ImGui::Checkbox((u.name + "##" + id).c_str(), &on)) {
        if (on)
          chosen.push_back(id);
        else
          chosen.erase(at);
      }
      exposeItem(name + ".unit." + id);
    }
    if (shown == 0) ImGui::TextDisabled(session.unitsLoaded() ? "没有符合条件的单位" : "正在载入…");
    ImGui::EndListBox();
  }
  ImGui::PopID();
}

// ---- marks ----------------------------------------------------------------------------------

void dueMark(bool closed, bool overdue, bool hasLeft, int left, const char* unit,
             const char* closedText) {
  if (closed) {
    ui::badge(std::string("√ ") + closedText, theme::kOnTimeBg, theme::kTextDark);
  } else if (overdue || (hasLeft && left < 0)) {
    std::string text = "▲ 逾期";
    if (hasLeft && left < 0) text += std::to_string(-left) + unit;
    ui::badge(text, theme::kOverdueBg, theme::kOnBrand);
  } else if (!hasLeft) {
    ImGui::TextDisabled("—");
  } else if (left <= ui::kDueSoonWorkingDays) {
    ui::badge(left == 0 ? std::string("● 今日到期") : "● 剩余" + std::to_string(left) + unit,
              theme::kDueSoonBg, theme::kTextDark);
  } else {
    ui::badge("剩余" + std::to_string(left) + unit, theme::kOnTimeBg, theme::kTextDark);
  }
}

}  // namespace jm

// ---- the tab --------------------------------------------------------------------------------

bool JointMeeting::shownTo(Session& session) {
  if (!asked_ && session.signedIn()) {
    asked_ = true;
    askJmAccess(session, net_, access_);
  }
  return access_.known && access_.read;
}

void JointMeeting::draw(Session& session, Navigator& nav, float scale) {
  if (!access_.read) {
    ImGui::TextDisabled(access_.known ? "联席会议的内容仅限联席会议办公室、成员单位和监督单位查看。"
                                      : "正在载入…");
    return;
  }
  const char* const tabs[] = {"成员单位", "会议", "挂牌督办", "工作简报"};
  const char* const names[] = {"jm.tab.members", "jm.tab.meetings", "jm.tab.listed",
                               "jm.tab.bulletins"};
  for (int i = 0; i < 4; ++i) {
    if (i > 0) ImGui::SameLine();
    if (ImGui::RadioButton(tabs[i], tab_ == i)) tab_ = i;
    exposeItem(names[i]);
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("刷新")) {
    members_.invalidate();
    meetings_.invalidate();
    listed_.invalidate();
    bulletins_.invalidate();
    askJmAccess(session, net_, access_);  // membership may have changed meanwhile
  }
  exposeItem("jm.refresh");
  ImGui::SameLine();
  ImGui::TextDisabled(access_.edit ? "（联席会议办公室）"
                                   : (access_.memberUnit ? "（成员单位）" : "（只读）"));
  ImGui::Separator();
  switch (tab_) {
    case 0:
      members_.draw(session, access_, scale);
      break;
    case 1:
      meetings_.draw(session, nav, access_, scale);
      break;
    case 2:
      listed_.draw(session, nav, access_, scale);
      break;
    default:
      bulletins_.draw(session, access_, scale);
      break;
  }
}

}  // namespace pcs::client
