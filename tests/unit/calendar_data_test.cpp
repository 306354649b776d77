// Cross-checks the shipped State Council arrangements (common/data/calendar/YYYY.txt) against
// the independent holiday-cn copy in ../shared/data/holidays, day by day for 2007..2026.
//
// The shared copy is never shipped; it only guards our hand-written data against typos. Its
// files follow the notices too, so a notice year's file may list days of the previous December
// (holiday-cn_2019.json holds 2018-12-29..31): every file is merged into one map by date before
// comparing, exactly as pcs::Calendar merges arrangements.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "pcs/calendar.h"
#include "pcs/date.h"

namespace {

constexpr int kFirstYear = 2007;
constexpr int kLastYear = 2026;

std::string holidaysDir() {
  return std::string(PCS_SHARED_DIR) + "/data/holidays/";
}

struct ReferenceDay {
  bool offDay = false;
  std::string name;
};

struct Reference {
  std::map<pcs::Date, ReferenceDay> days;
  std::vector<std::string> problems;  // unreadable or contradictory reference files
};

// Reads holiday-cn_YYYY.json for every year in range; a missing or malformed file is a problem,
// not a silent gap, because a gap would make the comparison pass vacuously.
Reference loadReference() {
  Reference ref;
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    const std::string path = holidaysDir() + "holiday-cn_" + std::to_string(year) + ".json";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      ref.problems.push_back(path + ": cannot be opened");
      continue;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();

    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("days") ||
        !doc["days"].IsArray()) {
      ref.problems.push_back(path + ": not an object with a \"days\" array");
      continue;
    }
    for (const auto& day : doc["days"].GetArray()) {
      if (!day.IsObject() || !day.HasMember("date") || !day["date"].IsString() ||
          !day.HasMember("isOffDay") || !day["isOffDay"].IsBool()) {
        ref.problems.push_back(path + ": an entry lacks \"date\" or \"isOffDay\"");
        continue;
      }
      const auto date = pcs::Date::parse(day["date"].GetString());
      if (!date) {
        ref.problems.push_back(path + ": bad date '" + day["date"].GetString() + "'");
        continue;
      }
      ReferenceDay entry;
      entry.offDay = day["isOffDay"].GetBool();
      if (day.HasMember("name") && day["name"].IsString()) entry.name = day["name"].GetString();
      auto [it, inserted] = ref.days.emplace(*date, entry);
      if (!inserted && it->second.offDay != entry.offDay)
        ref.problems.push_back(path + ": " + date->toString() + " contradicts another file");
    }
  }
  return ref;
}

// Built once: the builtin calendar parses every embedded arrangement.
const pcs::Calendar& calendar() {
  static const pcs::Calendar cal = pcs::Calendar::builtin();
  return cal;
}

std::string describe(const pcs::DayInfo& info) {
  std::string s = std::string(pcs::dayKindKey(info.kind)) + (info.working ? ", working" : ", off");
  if (!info.name.empty()) s += " (" + info.name + ")";
  if (info.provisional) s += " [provisional]";
  return s;
}

}  // namespace

TEST_CASE("calendar data: every day 2007-2026 agrees with the independent holiday copy") {
  // CI always lays ../shared beside the checkout; without it this test cannot say anything.
  REQUIRE_MESSAGE(std::filesystem::is_directory(holidaysDir()),
                  "the independent holiday copy " << holidaysDir()
                                                  << " is missing: this cross-check needs "
                                                     "../shared beside the checkout (CI has it)");
  const Reference ref = loadReference();
  std::string problems;
  for (const std::string& p : ref.problems) problems += "\n  " + p;
  REQUIRE_MESSAGE(ref.problems.empty(), "the reference copy is unusable:" << problems);

  std::vector<std::string> mismatches;
  const pcs::Date last = pcs::Date::fromYmd(kLastYear, 12, 31);
  for (pcs::Date d = pcs::Date::fromYmd(kFirstYear, 1, 1); d <= last; d = d.addDays(1)) {
    const pcs::DayInfo ours = calendar().info(d);
    auto it = ref.days.find(d);
    const bool expectWorking = it != ref.days.end() ? !it->second.offDay : !d.isWeekend();
    if (ours.working == expectWorking) continue;
    std::string line = d.toString() + " " + pcs::weekdayNameZh(d.isoWeekday()) + ": ours " +
                       describe(ours) + "; reference " + (expectWorking ? "working" : "off");
    if (it != ref.days.end())
      line += " (" + it->second.name + ")";
    else
      line += " (ordinary " + std::string(d.isWeekend() ? "weekend" : "weekday") + ")";
    mismatches.push_back(line);
  }
  std::string report;
  for (const std::string& m : mismatches) report += "\n  " + m;
  CHECK_MESSAGE(mismatches.empty(), mismatches.size()
                                        << " day(s) disagree with the reference:" << report);
}

TEST_CASE("calendar data: every notice year 2007-2026 is published with its source") {
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    CAPTURE(year);
    CHECK(calendar().isPublished(year));
    // Every source line names its notice, which carries the year: "关于2025年部分节假日安排".
    CHECK(calendar().sourceOf(year).find(std::to_string(year) + "年") != std::string::npos);
  }
}

TEST_CASE("calendar data: published days are never provisional and special days are named") {
  const pcs::Date last = pcs::Date::fromYmd(kLastYear, 12, 31);
  std::vector<std::string> bad;
  for (pcs::Date d = pcs::Date::fromYmd(kFirstYear, 1, 1); d <= last; d = d.addDays(1)) {
    const pcs::DayInfo info = calendar().info(d);
    const bool special =
        info.kind == pcs::DayKind::Holiday || info.kind == pcs::DayKind::AdjustedWorkday;
    // A weekday off or a weekend worked only happens by a notice, which always names why.
    const bool unusual = info.working == d.isWeekend();
    if (info.provisional || (special && info.name.empty()) || (unusual && !special))
      bad.push_back(d.toString() + ": " + describe(info));
  }
  std::string report;
  for (const std::string& b : bad) report += "\n  " + b;
  CHECK_MESSAGE(bad.empty(), bad.size() << " day(s) lack a name or are provisional:" << report);
}

TEST_CASE("calendar data: holiday names follow the notices") {
  struct Expect {
    int y, m, d;
    const char* contains;
    bool working;
  };
  const Expect cases[] = {
      {2025, 10, 1, "国庆", false},    {2025, 10, 6, "中秋", false},
      {2025, 9, 28, "国庆", true},     {2025, 1, 28, "春节", false},
      {2025, 1, 26, "春节", true},     {2025, 5, 5, "劳动节", false},
      {2023, 1, 1, "元旦", false},     {2022, 12, 31, "元旦", false},
      {2018, 12, 29, "元旦", true},    {2018, 12, 31, "元旦", false},
      {2015, 9, 3, "抗战胜利", false}, {2015, 9, 6, "抗战胜利", true},
      {2020, 2, 2, "春节", false},     {2020, 2, 1, "春节", false},  // extended for COVID-19
      {2019, 5, 3, "劳动节", false},   {2019, 5, 5, "劳动节", true},
      {2008, 6, 9, "端午", false},     {2026, 2, 15, "春节", false},
      {2026, 1, 4, "元旦", true},      {2026, 9, 25, "中秋", false},
  };
  for (const Expect& e : cases) {
    const pcs::DayInfo info = calendar().info(pcs::Date::fromYmd(e.y, e.m, e.d));
    CAPTURE(info.date.toString());
    CAPTURE(describe(info));
    CHECK(info.working == e.working);
    CHECK(info.name.find(e.contains) != std::string::npos);
  }
  // 除夕 2024 (a Friday) was not a holiday: the notice only encouraged employers to give it off.
  const pcs::DayInfo eve2024 = calendar().info(pcs::Date::fromYmd(2024, 2, 9));
  CHECK(eve2024.kind == pcs::DayKind::Workday);
  CHECK(eve2024.name.empty());
}

TEST_CASE("calendar data: unpublished years 2027-2030 rest on the statutory days") {
  // Lunar and solar-term days from statutory.txt; checked only while no notice for the year
  // is shipped (a published notice replaces the provisional rules).
  struct Expect {
    int y, m, d;
    const char* name;
  };
  const Expect cases[] = {
      {2027, 2, 5, "春节"},    {2027, 2, 8, "春节"},    {2027, 4, 5, "清明节"},
      {2027, 6, 9, "端午节"},  {2027, 9, 15, "中秋节"}, {2028, 1, 25, "春节"},
      {2028, 4, 4, "清明节"},  {2028, 10, 3, "中秋节"}, {2029, 2, 12, "春节"},
      {2029, 6, 16, "端午节"}, {2030, 2, 4, "春节"},    {2030, 9, 12, "中秋节"},
      {2027, 1, 1, "元旦"},    {2028, 5, 2, "劳动节"},  {2030, 10, 3, "国庆节"},
  };
  for (const Expect& e : cases) {
    if (calendar().isPublished(e.y)) continue;
    const pcs::DayInfo info = calendar().info(pcs::Date::fromYmd(e.y, e.m, e.d));
    CAPTURE(info.date.toString());
    CAPTURE(describe(info));
    CHECK(info.provisional);
    CHECK_FALSE(info.working);
    CHECK(info.name == e.name);
  }
}
