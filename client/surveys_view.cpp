// Sections: rights | list and filters | opening a survey | one survey | answers | closing |
// staff register
#include "surveys_view.h"

#include <cstdio>
#include <ctime>

#include "imgui.h"
#include "pcs/date.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

struct Rating {
  const char* key;
  const char* zh;
};
constexpr Rating kRatings[] = {
    {"satisfied", "满意"}, {"basic", "基本满意"}, {"dissatisfied", "不满意"}};

std::string ratingZh(const std::string& key) {
  for (const Rating& r : kRatings)
    if (key == r.key) return r.zh;
  return key;
}

// "66.7%" for 0.667.
std::string percent(double rate) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", rate * 100.0);
  return text;
}

// Answers meant for a view that was replaced (another user signed in) never match the new
// one's generation, because each view starts from its own range.
uint64_t firstGeneration() {
  static uint64_t counter = 0;
  return counter += 1000000;
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The lines of `text` that are not blank, trimmed.
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    const size_t a = line.find_first_not_of(" \t\r");
    if (a != std::string::npos)
      out.push_back(line.substr(a, line.find_last_not_of(" \t\r") + 1 - a));
    start = end + 1;
  }
  return out;
}

}  // namespace

// ---- rights -----------------------------------------------------------------------------------

bool SurveysView::mayManage(const Session& session) {
  const User& user = session.user();
  if (user.has(Role::Admin)) return true;
  if (!user.has(Role::UnitHead) && !user.has(Role::Dispatcher)) return false;
  const OrgUnit* unit = session.unit(user.unitId);
  return unit && unit->kind == UnitKind::Department && unit->handler == Handler::Housing &&
         (unit->level == OrgLevel::City || unit->level == OrgLevel::County);
}

bool SurveysView::mayRecord(const Session& session) {
  if (mayManage(session)) return true;
  const User& user = session.user();
  if (user.oversightOnly()) return false;
  const OrgUnit* unit = session.unit(user.unitId);
  return unit && unit->kind == UnitKind::Area &&
         (unit->level == OrgLevel::Street || unit->level == OrgLevel::Community);
}

// ---- list and filters -------------------------------------------------------------------------

void SurveysView::load(Session& session) {
  listStale_ = false;
  loading_ = true;
  if (listGeneration_ == 0) listGeneration_ = firstGeneration();
  const uint64_t generation = ++listGeneration_;
  std::string query;
  if (!filterEstate_.estateId().empty())
    query += "&estate_id=" + urlEncode(filterEstate_.estateId());
  if (!filterCompany_.empty()) query += "&company_id=" + urlEncode(filterCompany_);
  if (!filterState_.empty()) query += "&state=" + filterState_;
  if (!query.empty()) query[0] = '?';
  session.net().get("/api/v1/surveys" + query, [this, generation](const Response& r) {
    if (generation != listGeneration_) return;
    loading_ = false;
    items_.clear();
    if (!r.ok()) {
      listError_ = r.status == 403 ? "本单位不参与满意度测评。" : r.errorText();
      return;
    }
    listError_.clear();
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    for (const JsonValue* s : client::items(doc.root(), "items")) {
      Item item;
      item.id = integer(*s, "id");
      item.estateName = str(*s, "estate_name");
      item.companyName = str(*s, "company_name");
      item.period = str(*s, "period");
      item.state = str(*s, "state");
      if (const JsonValue* counts = member(*s, "counts")) {
        item.counted = integer(*counts, "counted");
        item.refused = integer(*counts, "refused");
      }
      const JsonValue* rate = member(*s, "satisfaction");
      item.hasRate = rate && rate->IsNumber();
      if (item.hasRate) item.rate = rate->GetDouble();
      items_.push_back(std::move(item));
    }
  });
}

void SurveysView::drawFilters(Session& session, float scale) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("小区");
  ImGui::SameLine();
  ImGui::BeginGroup();
  if (filterEstate_.draw(session, "##filter_estate", "全部小区（输入名称筛选）",
                         "survey.filter.estate", 220 * scale))
    listStale_ = true;
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("物业企业");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(240 * scale);
  const std::string company =
      filterCompany_.empty() ? std::string("全部企业") : session.companyName(filterCompany_);
  if (ImGui::BeginCombo("##filter_company", company.c_str())) {
    if (ImGui::Selectable("全部企业", filterCompany_.empty())) {
      filterCompany_.clear();
      listStale_ = true;
    }
    for (const auto& [id, c] : session.companies())
      if (ImGui::Selectable((c.name + "##" + id).c_str(), id == filterCompany_)) {
        filterCompany_ = id;
        listStale_ = true;
      }
    ImGui::EndCombo();
  }
  exposeItem("survey.filter.company");
  struct StateChoice {
    const char* key;
    const char* zh;
  };
  for (const StateChoice s :
       {StateChoice{"", "全部"}, StateChoice{"open", "进行中"}, StateChoice{"closed", "已结束"}}) {
    ImGui::SameLine();
    if (ImGui::RadioButton(s.zh, filterState_ == s.key)) {
      filterState_ = s.key;
      listStale_ = true;
    }
    exposeItem(std::string("survey.filter.state.") + (*s.key ? s.key : "all"));
  }
  if (mayManage(session)) {
    ImGui::SameLine();
    if (ImGui::Button(showNew_ ? "收起发起测评" : "发起测评")) {
      showNew_ = !showNew_;
      newError_.clear();
    }
    exposeItem("survey.new");
  }
}

void SurveysView::draw(Session& session, float scale) {
  if (listStale_ && !loading_) load(session);
  drawFilters(session, scale);
  if (showNew_) drawNewSurvey(session, scale);
  ui::noticeText(notice_);
  if (!listError_.empty()) {
    ImGui::TextDisabled("%s", listError_.c_str());
    return;
  }

  ImGui::BeginChild("##surveys", ImVec2(300 * scale, 0), true);
  if (items_.empty()) ImGui::TextDisabled(loading_ ? "正在载入…" : "没有符合条件的测评。");
  for (const Item& s : items_) {
    std::string label =
        s.estateName + " " + s.period + "（" + (s.state == "open" ? "进行中" : "已结束") + "）";
    label += "\n  有效" + std::to_string(s.counted) + "份";
    if (s.refused > 0) label += "，拒收" + std::to_string(s.refused) + "份";
    if (s.hasRate) label += "，满意率" + percent(s.rate);
    label += "##" + std::to_string(s.id);
    if (ImGui::Selectable(label.c_str(), s.id == openId_)) open(session, s.id);
    exposeItem("survey.item." + std::to_string(s.id));
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##survey", ImVec2(0, 0), true);
  drawSurvey(session, scale);
  ImGui::EndChild();
}

// ---- opening a survey -------------------------------------------------------------------------

void SurveysView::drawNewSurvey(Session& session, float scale) {
  if (newPeriod_.empty())
    newPeriod_ = cstDate(static_cast<int64_t>(std::time(nullptr))).toString().substr(0, 7);
  ImGui::SeparatorText("发起满意度测评");
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("小区");
  ImGui::SameLine();
  ImGui::BeginGroup();
  newEstate_.draw(session, "##new_estate", "输入小区名称的一部分", "survey.new.estate",
                  240 * scale);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("测评期间（年-月）");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * scale);
  ui::inputTextWithHint("##new_period", "2026-12", newPeriod_);
  exposeItem("survey.new.period");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(220 * scale);
  ui::inputTextWithHint("##new_note", "说明（选填，如入户走访）", newNote_);
  exposeItem("survey.new.note");
  ImGui::SameLine();
  if (theme::primaryButton("发起")) {
    if (newEstate_.estateId().empty()) {
      newError_ = "请先选择小区。";
    } else {
      newError_.clear();
      JsonBuilder body;
      body.field("estate_id", newEstate_.estateId()).field("period", newPeriod_);
      if (!blank(newNote_)) body.field("note", newNote_);
      session.net().post("/api/v1/surveys", body.finish(), [this, &session](const Response& r) {
        if (!r.ok()) {
          newError_ = r.errorText();
          return;
        }
        const JsonDoc doc = parseJson(r.body);
        showNew_ = false;
        newEstate_.clear();
        newNote_.clear();
        notice_ = "已发起测评。";
        listStale_ = true;
        if (doc.valid()) open(session, integer(doc.root(), "id"));
      });
    }
  }
  exposeItem("survey.new.submit");
  ui::errorText(newError_);
  ImGui::Separator();
}

// ---- one survey -------------------------------------------------------------------------------

void SurveysView::open(Session& session, int64_t id) {
  if (id != openId_) {
    verdict_ = {};
    household_.clear();
    confirmClose_ = false;
    closeError_.clear();
    staffNotice_.clear();
    staffError_.clear();
  }
  openId_ = id;
  session.net().get("/api/v1/surveys/" + std::to_string(id), [this, id](const Response& r) {
    if (id != openId_) return;
    if (!r.ok()) {
      surveyError_ = r.errorText();
      return;
    }
    surveyError_.clear();
    survey_ = parseJson(r.body);
  });
}

void SurveysView::drawSurvey(Session& session, float scale) {
  if (openId_ == 0) {
    ImGui::TextDisabled("选择左侧的一次测评。");
    return;
  }
  ui::errorText(surveyError_);
  if (!survey_.valid() || integer(survey_.root(), "id") != openId_) {
    ImGui::TextDisabled("正在载入…");
    return;
  }
  const JsonValue& s = survey_.root();
  const bool isOpen = str(s, "state") == "open";
  ImGui::Text("%s  %s", str(s, "estate_name").c_str(), str(s, "period").c_str());
  ImGui::SameLine();
  ui::badge(isOpen ? "进行中" : "已结束", isOpen ? theme::kDueSoonBg : theme::kBrand,
            isOpen ? theme::kTextDark : theme::kOnBrand);
  exposeItem(std::string("survey.state.") + (isOpen ? "open" : "closed"));
  ImGui::SameLine();
  if (ImGui::SmallButton("刷新")) open(session, openId_);
  ImGui::TextDisabled("被测评企业：%s", str(s, "company_name").c_str());
  if (!str(s, "note").empty()) ImGui::TextDisabled("说明：%s", str(s, "note").c_str());

  // Counts and rate, live while the survey is open.
  const JsonValue* counts = member(s, "counts");
  const int64_t counted = counts ? integer(*counts, "counted") : 0;
  const int64_t refused = counts ? integer(*counts, "refused") : 0;
  ImGui::SeparatorText(isOpen ? "当前结果（实时）" : "测评结果");
  if (counts)
    ImGui::Text("满意 %lld　基本满意 %lld　不满意 %lld　｜　有效答卷 %lld 份　已拒收 %lld 份",
                static_cast<long long>(integer(*counts, "satisfied")),
                static_cast<long long>(integer(*counts, "basic")),
                static_cast<long long>(integer(*counts, "dissatisfied")),
                static_cast<long long>(counted), static_cast<long long>(refused));
  exposeItem("survey.counted." + std::to_string(counted));
  exposeItem("survey.refused." + std::to_string(refused));
  const JsonValue* rate = member(s, "satisfaction");
  if (rate && rate->IsNumber()) {
    const std::string text = percent(rate->GetDouble());
    ImGui::Text("满意率（满意＋基本满意）/ 有效答卷 = %s", text.c_str());
    exposeItem("survey.rate." + text.substr(0, text.size() - 1));
  } else {
    ImGui::TextDisabled("满意率：尚无有效答卷");
  }
  if (!isOpen) {
    if (flag(s, "refused_to_fix")) ui::badge("企业拒不整改", theme::kOverdueBg, theme::kOnBrand);
    if (flag(s, "fix_inadequate")) {
      if (flag(s, "refused_to_fix")) ImGui::SameLine();
      ui::badge("整改不到位", theme::kDueSoonBg, theme::kTextDark);
    }
    ImGui::TextDisabled("%s 结束", ui::timeText(integer(s, "closed_at")).c_str());
  }

  if (isOpen && mayRecord(session)) drawResponseForm(session, scale);
  if (isOpen && mayManage(session)) drawCloseForm(session, scale);
  drawResponses();
  if (mayManage(session)) drawStaffRegister(session, scale);
}

// ---- answers ----------------------------------------------------------------------------------

void SurveysView::drawResponseForm(Session& session, float scale) {
  ImGui::SeparatorText("录入答卷");
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("户号");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200 * scale);
  ui::inputTextWithHint("##household", "如 3栋2单元301", household_);
  exposeItem("survey.household");
  for (int i = 0; i < 3; ++i) {
    ImGui::SameLine();
    if (ImGui::RadioButton(kRatings[i].zh, rating_ == i)) rating_ = i;
    exposeItem(std::string("survey.rating.") + kRatings[i].key);
  }
  ImGui::TextDisabled("答卷人信息（选填，仅用于核对是否为被测评企业员工，不保存）：");
  ImGui::SetNextItemWidth(160 * scale);
  ui::inputTextWithHint("##contact", "联系电话", contact_);
  exposeItem("survey.contact");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200 * scale);
  ui::inputTextWithHint("##id_number", "身份证号码", idNumber_);
  exposeItem("survey.id_number");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(220 * scale);
  ui::inputTextWithHint("##employer", "自报工作单位", employer_);
  exposeItem("survey.employer");
  if (theme::primaryButton(sending_ ? "正在录入…###record" : "录入###record") && !sending_)
    recordResponse(session);
  exposeItem("survey.record");

  // The server's verdict on the last answer, in words and a mark, not colour alone.
  if (verdict_.kind.empty()) return;
  ImGui::SameLine();
  if (verdict_.kind == "counted")
    ui::badge("√ 已计入", theme::kOnTimeBg, theme::kTextDark);
  else if (verdict_.kind == "refused")
    ui::badge("× 已拒收", theme::kOverdueBg, theme::kOnBrand);
  else if (verdict_.kind == "duplicate")
    ui::badge("● 重复答卷，未计入", theme::kDueSoonBg, theme::kTextDark);
  else
    ui::badge("未录入", theme::kDueSoonBg, theme::kTextDark);
  exposeItem("survey.verdict." + verdict_.kind);
  ImGui::SameLine();
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(verdict_.text.c_str());
  ImGui::PopTextWrapPos();
}

void SurveysView::recordResponse(Session& session) {
  if (blank(household_)) {
    verdict_ = {"error", "请填写户号。"};
    return;
  }
  JsonBuilder body;
  body.field("household", household_).field("rating", kRatings[rating_].key);
  if (!blank(contact_)) body.field("respondent_contact", contact_);
  if (!blank(idNumber_)) body.field("respondent_id_number", idNumber_);
  if (!blank(employer_)) body.field("declared_employer", employer_);
  sending_ = true;
  const int64_t id = openId_;
  const std::string written = household_;
  const std::string rating = ratingZh(kRatings[rating_].key);
  session.net().post(
      "/api/v1/surveys/" + std::to_string(id) + "/responses", body.finish(),
      [this, id, written, rating, &session](const Response& r) {
        if (id != openId_) return;
        sending_ = false;
        const JsonDoc doc = parseJson(r.body);
        if (r.status == 201 && doc.valid()) {
          verdict_ = {"counted",
                      "“" + written + "”记为户 " + str(doc.root(), "household") + "，" + rating};
          household_.clear();
          contact_.clear(), idNumber_.clear(), employer_.clear();
        } else if (r.status == 403 && doc.valid() && str(doc.root(), "status") == "refused") {
          verdict_ = {"refused", "户 " + str(doc.root(), "household") + "：" +
                                     str(doc.root(), "refusal") + "（答卷已留存，不计入结果）"};
          household_.clear();
          contact_.clear(), idNumber_.clear(), employer_.clear();
        } else if (r.status == 409) {
          verdict_ = {"duplicate", r.errorText()};
        } else {
          verdict_ = {"error", r.errorText()};
        }
        listStale_ = true;
        open(session, id);
      });
}

void SurveysView::drawResponses() {
  const std::vector<const JsonValue*> rows = client::items(survey_.root(), "responses");
  ImGui::SeparatorText(("答卷（" + std::to_string(rows.size()) + "份）").c_str());
  if (rows.empty()) {
    ImGui::TextDisabled("尚无答卷。");
    return;
  }
  if (!ImGui::BeginTable(
          "##responses", 5,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("户号", 0, 1.0f);
  ImGui::TableSetupColumn("录入为", 0, 1.5f);
  ImGui::TableSetupColumn("评价", 0, 1.0f);
  ImGui::TableSetupColumn("状态", 0, 3.0f);
  ImGui::TableSetupColumn("录入时间", 0, 1.4f);
  ImGui::TableHeadersRow();
  for (const JsonValue* row : rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*row, "household").c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*row, "household_as_written").c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ratingZh(str(*row, "rating")).c_str());
    ImGui::TableNextColumn();
    if (str(*row, "status") == "counted") {
      ImGui::TextUnformatted("计入");
    } else {
      ui::badge("× 已拒收", theme::kOverdueBg, theme::kOnBrand);
      ImGui::SameLine();
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(str(*row, "refusal").c_str());
      ImGui::PopTextWrapPos();
    }
    exposeItem("survey.response." + std::to_string(integer(*row, "id")) + "." +
               str(*row, "status"));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ui::timeText(integer(*row, "recorded_at")).c_str());
  }
  ImGui::EndTable();
}

// ---- closing ----------------------------------------------------------------------------------

void SurveysView::drawCloseForm(Session& session, float scale) {
  ImGui::SeparatorText("结束测评");
  ImGui::Checkbox("企业拒不整改", &refusedToFix_);
  exposeItem("survey.close.refused_to_fix");
  ImGui::SameLine();
  ImGui::Checkbox("整改不到位", &fixInadequate_);
  exposeItem("survey.close.fix_inadequate");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(260 * scale);
  ui::inputTextWithHint("##close_note", "说明（选填）", closeNote_);
  exposeItem("survey.close.note");
  if (!confirmClose_) {
    if (ImGui::Button("结束测评…")) confirmClose_ = true;
    exposeItem("survey.close");
  } else {
    ImGui::TextUnformatted("结束后结果不能再改，并从次日起用于企业台账的等级核查和退出规则。");
    if (theme::primaryButton("确认结束")) {
      const int64_t id = openId_;
      session.net().post("/api/v1/surveys/" + std::to_string(id) + "/close",
                         JsonBuilder()
                             .field("refused_to_fix", refusedToFix_)
                             .field("fix_inadequate", fixInadequate_)
                             .field("note", closeNote_)
                             .finish(),
                         [this, id](const Response& r) {
                           if (id != openId_) return;
                           confirmClose_ = false;
                           if (!r.ok()) {
                             closeError_ = r.errorText();
                             return;
                           }
                           closeError_.clear();
                           survey_ = parseJson(r.body);
                           notice_ = "测评已结束。";
                           listStale_ = true;
                         });
    }
    exposeItem("survey.close.confirm");
    ImGui::SameLine();
    if (ImGui::Button("取消")) confirmClose_ = false;
  }
  ui::errorText(closeError_);
}

// ---- staff register ---------------------------------------------------------------------------

void SurveysView::drawStaffRegister(Session& session, float scale) {
  const std::string companyId = str(survey_.root(), "company_id");
  ImGui::SeparatorText("被测评企业员工名册");
  ImGui::TextDisabled(
      "名册中的人不能参加本企业的测评；只保存号码的摘要，不保存号码本身。每行一个。");
  ImGui::BeginGroup();
  ImGui::TextUnformatted("联系电话");
  ui::inputMultiline("##staff_contacts", staffContacts_, ImVec2(220 * scale, 70 * scale));
  exposeItem("survey.staff.contacts");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextUnformatted("身份证号码");
  ui::inputMultiline("##staff_ids", staffIds_, ImVec2(260 * scale, 70 * scale));
  exposeItem("survey.staff.ids");
  ImGui::EndGroup();
  if (ImGui::Button("登记到名册")) {
    const std::vector<std::string> contacts = lines(staffContacts_);
    const std::vector<std::string> ids = lines(staffIds_);
    if (contacts.empty() && ids.empty()) {
      staffError_ = "请填写联系电话或身份证号码。";
    } else {
      JsonBuilder body;
      body.beginArray("contacts");
      for (const std::string& c : contacts) body.value(c);
      body.endArray().beginArray("id_numbers");
      for (const std::string& i : ids) body.value(i);
      body.endArray();
      staffError_.clear();
      staffNotice_.clear();
      const int64_t id = openId_;
      session.net().post(
          "/api/v1/companies/" + urlEncode(companyId) + "/staff", body.finish(),
          [this, id](const Response& r) {
            if (id != openId_) return;
            if (!r.ok()) {
              staffError_ = r.errorText();
              return;
            }
            const JsonDoc doc = parseJson(r.body);
            if (!doc.valid()) return;
            staffNotice_ = "新增" + std::to_string(integer(doc.root(), "added")) + "人，名册共" +
                           std::to_string(integer(doc.root(), "register_size")) + "人。";
            staffContacts_.clear();
            staffIds_.clear();
          });
    }
  }
  exposeItem("survey.staff.add");
  ui::errorText(staffError_);
  if (!staffNotice_.empty()) {
    ui::noticeText(staffNotice_);
    exposeItem("survey.staff.done");
  }
}

}  // namespace pcs::client
