// A stored weekly package as a printable HTML page and as an .xlsx workbook (reports.h). Both
// are drawn from the JSON as issued, so a download shows exactly the frozen figures.
//
// Sections: reading the JSON | HTML | xlsx
#include <rapidjson/document.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pcs/error.h"
#include "reports.h"
#include "route_util.h"

namespace pcs::server {
namespace {

// ---- reading the JSON -----------------------------------------------------------------------

// The figures and rates shown in the tables, in column order.
constexpr const char* kShownFigures[] = {
    "received", "dispatched",          "dispatched_on_time",
    "closed",   "closed_on_time",      "open",
    "overdue",  "returned_repeatedly", "assigned",
    "answered", "answered_late",       "satisfaction_results",
};
constexpr const char* kShownRates[] = {"response_rate", "on_time_dispatch_rate", "resolution_rate",
                                       "on_time_resolution_rate", "satisfaction_rate"};

rapidjson::Document parse(const StoredPackage& p) {
  rapidjson::Document d;
  d.Parse(p.data.c_str());
  if (d.HasParseError() || !d.IsObject())
    throw Error(ErrorCode::Unavailable, "the stored package " + p.meta.week + " is unreadable");
  return d;
}

std::string text(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject() || !v.HasMember(key) || !v[key].IsString()) return "";
  return v[key].GetString();
}

std::string label(const rapidjson::Document& d, const char* key) {
  const std::string l = text(d["labels"], key);
  return l.empty() ? key : l;
}

int64_t figureCount(const rapidjson::Value& row, const char* key) {
  return row["figures"][key]["count"].GetInt64();
}

std::string rateText(const rapidjson::Value& rate) {
  if (rate["rate"].IsNull()) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", rate["rate"].GetDouble() * 100.0);
  return buf;
}

std::string fraction(const rapidjson::Value& rate) {
  return std::to_string(rate["numerator"].GetInt64()) + "/" +
         std::to_string(rate["denominator"].GetInt64());
}

// One table row of a county, a unit or the total: name, figures, rates.
std::vector<std::string> rowCells(const std::string& name, const rapidjson::Value& row) {
  std::vector<std::string> cells = {name};
  for (const char* f : kShownFigures) cells.push_back(std::to_string(figureCount(row, f)));
  for (const char* r : kShownRates) cells.push_back(rateText(row["rates"][r]));
  return cells;
}

std::vector<std::string> rowHeader(const rapidjson::Document& d, const char* first) {
  std::vector<std::string> h = {first};
  for (const char* f : kShownFigures) h.push_back(label(d, f));
  for (const char* r : kShownRates) h.push_back(label(d, r));
  return h;
}

std::string title(const rapidjson::Document& d, const PackageMeta& m) {
  return text(d, "scope_name") + "物业投诉转办处置工作周报（" + text(d, "week") + "至" +
         text(d, "week_end") + "）第" + std::to_string(m.version) + "版";
}

// ---- HTML -----------------------------------------------------------------------------------

std::string esc(const std::string& s) {
  return htmlEscape(s);
}

void table(std::string& h, const std::vector<std::string>& header,
           const std::vector<std::vector<std::string>>& rows) {
  h += "<table><thead><tr>";
  for (const std::string& c : header) h += "<th>" + esc(c) + "</th>";
  h += "</tr></thead><tbody>";
  for (const auto& r : rows) {
    h += "<tr>";
    for (const std::string& c : r) h += "<td>" + esc(c) + "</td>";
    h += "</tr>";
  }
  if (rows.empty()) h += "<tr><td colspan=\"" + std::to_string(header.size()) + "\">无</td></tr>";
  h += "</tbody></table>";
}

// The rankings, hot spots and overdue list as rows (shared by HTML and xlsx).
std::vector<std::vector<std::string>> rankingRows(const rapidjson::Value& ranking) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : ranking["entries"].GetArray())
    rows.push_back({e["rank"].IsNull() ? "—" : std::to_string(e["rank"].GetInt()), text(e, "unit"),
                    rateText(e), fraction(e), text(e, "note")});
  return rows;
}

std::vector<std::vector<std::string>> hotSpotRows(const rapidjson::Value& list) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : list.GetArray())
    rows.push_back({text(e, "name"), std::to_string(e["count"].GetInt64())});
  return rows;
}

std::vector<std::vector<std::string>> overdueRows(const rapidjson::Value& list) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& o : list.GetArray()) {
    std::string owed;
    for (const auto& w : o["owed"].GetArray())
      owed += (owed.empty() ? "" : "；") + text(w, "unit") + " " + text(w, "rule") + " 期限" +
              text(w, "due") + " 逾期" + std::to_string(w["days_late"].GetInt()) + "个工作日";
    rows.push_back({text(o, "case_id"), text(o, "county"), text(o, "estate"),
                    o["urgent"].GetBool() ? "是" : "否", std::to_string(o["days_late"].GetInt()),
                    owed});
  }
  return rows;
}

const std::vector<std::string> kRankingHeader = {"名次", "单位", "比率", "分子/分母", "备注"};
const std::vector<std::string> kOverdueHeader = {"案件编号", "县（区）",       "小区",
                                                 "紧急",     "逾期（工作日）", "责任单位及时限"};

}  // namespace

std::string weeklyPackageHtml(const StoredPackage& p) {
  const rapidjson::Document d = parse(p);
  std::string h = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" +
                  esc(title(d, p.meta)) +
                  "</title><style>"
                  "body{font-family:\"SimSun\",\"Songti SC\",serif;margin:2em;color:#000}"
                  "h1{font-size:20pt;text-align:center}h2{font-size:14pt;margin-top:1.5em}"
                  "table{border-collapse:collapse;width:100%;font-size:10pt;margin:.5em 0}"
                  "th,td{border:1px solid #000;padding:2px 4px;text-align:center}"
                  "td:first-child{text-align:left}.meta{text-align:center;font-size:10pt}"
                  "@page{size:A4 landscape;margin:12mm}"
                  "@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}"
                  "</style></head><body>";
  h += "<h1>" + esc(title(d, p.meta)) + "</h1>";
  h += "<p class=\"meta\">统计期间：" + esc(text(d, "period_from")) + " 至 " +
       esc(text(d, "period_to")) + "（北京时间，不含截止时刻）；印发时间：" +
       esc(formatCst(p.meta.issuedAt)) + "；印发：" +
       esc(p.meta.issuedBy == "system" ? "系统自动" : p.meta.issuedBy) + "</p>";
  if (!p.meta.reason.empty()) h += "<p class=\"meta\">更正原因：" + esc(p.meta.reason) + "</p>";

  h += "<h2>一、总体及分县（区）情况</h2>";
  std::vector<std::vector<std::string>> rows = {rowCells("合计", d["total"])};
  for (const auto& c : d["counties"].GetArray()) rows.push_back(rowCells(text(c, "name"), c));
  table(h, rowHeader(d, "县（区）"), rows);

  h += "<h2>二、各单位情况</h2>";
  rows.clear();
  for (const auto& u : d["units"].GetArray()) rows.push_back(rowCells(text(u, "name"), u));
  table(h, rowHeader(d, "单位"), rows);

  h += "<h2>三、单位排名（本周不少于" + std::to_string(d["min_rank_volume"].GetInt()) +
       "件方予排名）</h2>";
  for (const auto& r : d["rankings"].GetObject()) {
    h += "<h3>" + esc(text(r.value, "title")) + "</h3>";
    table(h, kRankingHeader, rankingRows(r.value));
  }

  h += "<h2>四、难点堵点（本周受理）</h2>";
  const std::pair<const char*, const char*> spots[] = {
      {"categories", "分转目录事项"}, {"estates", "小区"}, {"companies", "物业服务企业"}};
  for (const auto& [key, name] : spots) {
    h += std::string("<h3>按") + name + "</h3>";
    table(h, {name, "件数"}, hotSpotRows(d["hot_spots"][key]));
  }

  h += "<h2>五、逾期未办案件清单（截至周末）</h2>";
  table(h, kOverdueHeader, overdueRows(d["overdue"]));
  h += "</body></html>";
  return h;
}

// ---- xlsx -----------------------------------------------------------------------------------

std::string weeklyPackageXlsx(const StoredPackage& p, const std::string& path) {
  const rapidjson::Document d = parse(p);
  struct Cleanup {
    const std::string& path;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  } cleanup{path};

  lxw_workbook* book = workbook_new(path.c_str());
  if (!book) throw Error(ErrorCode::Unavailable, "could not start the .xlsx file " + path);
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);

  // Every cell is written as a string (never a formula), as in export.cpp.
  auto sheet = [&](const char* name, const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows, const std::string& heading) {
    lxw_worksheet* s = workbook_add_worksheet(book, name);
    lxw_row_t r = 0;
    if (!heading.empty()) worksheet_write_string(s, r++, 0, heading.c_str(), bold);
    for (size_t c = 0; c < header.size(); ++c)
      worksheet_write_string(s, r, static_cast<lxw_col_t>(c), header[c].c_str(), bold);
    ++r;
    for (const auto& row : rows) {
      for (size_t c = 0; c < row.size(); ++c)
        if (!row[c].empty())
          worksheet_write_string(s, r, static_cast<lxw_col_t>(c), row[c].c_str(), nullptr);
      ++r;
    }
    worksheet_set_column(s, 0, 0, 24, nullptr);
    worksheet_set_column(s, 1, static_cast<lxw_col_t>(header.size()), 11, nullptr);
  };

  std::vector<std::vector<std::string>> rows = {rowCells("合计", d["total"])};
  for (const auto& c : d["counties"].GetArray()) rows.push_back(rowCells(text(c, "name"), c));
  sheet("汇总", rowHeader(d, "县（区）"), rows, title(d, p.meta));
  rows.clear();
  for (const auto& u : d["units"].GetArray()) rows.push_back(rowCells(text(u, "name"), u));
  sheet("各单位", rowHeader(d, "单位"), rows, "");

  std::vector<std::string> rankHeader = {"排名项目"};
  rankHeader.insert(rankHeader.end(), kRankingHeader.begin(), kRankingHeader.end());
  rows.clear();
  for (const auto& r : d["rankings"].GetObject())
    for (auto& row : rankingRows(r.value)) {
      row.insert(row.begin(), text(r.value, "title"));
      rows.push_back(std::move(row));
    }
  sheet("排名", rankHeader, rows, "");

  rows.clear();
  const std::pair<const char*, const char*> spots[] = {
      {"categories", "分转目录事项"}, {"estates", "小区"}, {"companies", "物业服务企业"}};
  for (const auto& [key, name] : spots)
    for (auto& row : hotSpotRows(d["hot_spots"][key])) {
      row.insert(row.begin(), name);
      rows.push_back(std::move(row));
    }
  sheet("难点堵点", {"类别", "名称", "件数"}, rows, "");
  sheet("逾期清单", kOverdueHeader, overdueRows(d["overdue"]), "");

  const lxw_error e = workbook_close(book);
  if (e != LXW_NO_ERROR)
    throw Error(ErrorCode::Unavailable,
                std::string("could not write the .xlsx file: ") + lxw_strerror(e));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::Unavailable, "could not read back the .xlsx file " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

}  // namespace pcs::server
