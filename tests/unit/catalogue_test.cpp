// Routing catalogue (R4): the built-in data against the notice, and the parser's errors.
#include "pcs/catalogue.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pcs/error.h"

namespace {

// The notice as shipped in ../shared, with every whitespace character removed: the extracted
// text breaks lines (and even words, "④小\n\n区绿化") where the printed pages ended.
std::string withoutWhitespace(const std::string& s) {
  static const std::string kIdeographicSpace = "\xE3\x80\x80";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') continue;
    if (s.compare(i, kIdeographicSpace.size(), kIdeographicSpace) == 0) {
      i += kIdeographicSpace.size() - 1;
      continue;
    }
    out += c;
  }
  return out;
}

const std::string& normalisedNotice() {
  static const std::string notice = [] {
    const std::string path = std::string(PCS_SHARED_DIR) + "/seed/000_334983945d51213c.txt";
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read the notice at " << path);
    std::ostringstream buf;
    buf << in.rdbuf();
    return withoutWhitespace(buf.str());
  }();
  return notice;
}

// The part of the notice the catalogue restates: annex part 二, from （一） to （十四）'s end.
std::string annexPartTwo() {
  const std::string& notice = normalisedNotice();
  const size_t from = notice.find("（一）住建部门督促办理事项");
  const size_t to = notice.find("三、强化办理", from);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  return notice.substr(from, to - from);
}

int utf8Chars(const std::string& s) {
  int n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// The message of the pcs::Error that parsing `text` throws; fails the test if none is thrown.
std::string parseError(const std::string& text) {
  try {
    pcs::Catalogue::parse(text);
  } catch (const pcs::Error& e) {
    CHECK(e.code() == pcs::ErrorCode::InvalidInput);
    return e.what();
  }
  FAIL("no error for:\n" << text);
  return {};
}

const char* const kValidEntry =
    "entry police.2 police\n"
    "title 高空抛物\n"
    "text 物业管理区域内高空抛物\n"
    "keywords 高空抛物 扔东西\n";

}  // namespace

TEST_CASE("catalogue: the built-in catalogue has the annex's 74 matters") {
  const pcs::Catalogue cat = pcs::Catalogue::builtin();
  CHECK(cat.entries().size() == 74);
}

TEST_CASE("catalogue: entries per handler match the notice's annex") {
  // Counted by hand in the notice, annex part 二 (（一） to （十四）).
  const std::map<pcs::Handler, size_t> expected = {
      {pcs::Handler::Housing, 13},           // 1.①–⑧, 2.①–④, 3
      {pcs::Handler::Court, 1},              // one paragraph, unnumbered
      {pcs::Handler::DevelopmentReform, 4},  // 1–4
      {pcs::Handler::Police, 3},             // 1–3
      {pcs::Handler::NaturalResources, 3},   // 1–3
      {pcs::Handler::UrbanManagement, 2},    // 1–2
      {pcs::Handler::Health, 2},             // 1–2
      {pcs::Handler::MarketRegulation, 7},   // 1, 2.①②, 3.①②, 4, 5
      {pcs::Handler::Hotline12345, 3},       // 1–3
      {pcs::Handler::Energy, 5},             // 1–5
      {pcs::Handler::CivilAirDefence, 7},    // 1–7
      {pcs::Handler::FireRescue, 9},         // 1–9
      {pcs::Handler::StreetOffice, 11},      // 1–11
      {pcs::Handler::Community, 4},          // 1–4
  };
  REQUIRE(expected.size() == pcs::kHandlerCount);
  const pcs::Catalogue cat = pcs::Catalogue::builtin();
  size_t total = 0;
  for (const auto& [handler, count] : expected) {
    INFO("handler " << pcs::handlerKey(handler));
    CHECK(cat.byHandler(handler).size() == count);
    total += count;
  }
  CHECK(total == 74);
}

TEST_CASE("catalogue: codes are stable, unique, ASCII and in the annex's order") {
  // The codes are stored with cases: this list may grow, never change.
  const std::vector<std::string> expected = {"housing.1.1",
                                             "housing.1.2",
                                             "housing.1.3",
                                             "housing.1.4",
                                             "housing.1.5",
                                             "housing.1.6",
                                             "housing.1.7",
                                             "housing.1.8",
                                             "housing.2.1",
                                             "housing.2.2",
                                             "housing.2.3",
                                             "housing.2.4",
                                             "housing.3",
                                             "court.1",
                                             "development_reform.1",
                                             "development_reform.2",
                                             "development_reform.3",
                                             "development_reform.4",
                                             "police.1",
                                             "police.2",
                                             "police.3",
                                             "natural_resources.1",
                                             "natural_resources.2",
                                             "natural_resources.3",
                                             "urban_management.1",
                                             "urban_management.2",
                                             "health.1",
                                             "health.2",
                                             "market_regulation.1",
                                             "market_regulation.2.1",
                                             "market_regulation.2.2",
                                             "market_regulation.3.1",
                                             "market_regulation.3.2",
                                             "market_regulation.4",
                                             "market_regulation.5",
                                             "hotline_12345.1",
                                             "hotline_12345.2",
                                             "hotline_12345.3",
                                             "energy.1",
                                             "energy.2",
                                             "energy.3",
                                             "energy.4",
                                             "energy.5",
                                             "civil_air_defence.1",
                                             "civil_air_defence.2",
                                             "civil_air_defence.3",
                                             "civil_air_defence.4",
                                             "civil_air_defence.5",
                                             "civil_air_defence.6",
                                             "civil_air_defence.7",
                                             "fire_rescue.1",
                                             "fire_rescue.2",
                                             "fire_rescue.3",
                                             "fire_rescue.4",
                                             "fire_rescue.5",
                                             "fire_rescue.6",
                                             "fire_rescue.7",
                                             "fire_rescue.8",
                                             "fire_rescue.9",
                                             "street_office.1",
                                             "street_office.2",
                                             "street_office.3",
                                             "street_office.4",
                                             "street_office.5",
                                             "street_office.6",
                                             "street_office.7",
                                             "street_office.8",
                                             "street_office.9",
                                             "street_office.10",
                                             "street_office.11",
                                             "community.1",
                                             "community.2",
                                             "community.3",
                                             "community.4"};
  const pcs::Catalogue cat = pcs::Catalogue::builtin();
  std::vector<std::string> codes;
  std::set<std::string> unique;
  for (const pcs::CatalogueEntry& e : cat.entries()) {
    INFO("code " << e.code);
    codes.push_back(e.code);
    unique.insert(e.code);
    for (char c : e.code) CHECK(static_cast<unsigned char>(c) < 0x80);
    CHECK(e.code.rfind(std::string(pcs::handlerKey(e.handler)) + ".", 0) == 0);
  }
  CHECK(unique.size() == codes.size());
  CHECK(codes == expected);
}

TEST_CASE("catalogue: every text and group occurs verbatim in the notice's annex") {
  const std::string annex = annexPartTwo();
  const pcs::Catalogue cat = pcs::Catalogue::builtin();
  for (const pcs::CatalogueEntry& e : cat.entries()) {
    INFO("entry " << e.code << ": " << e.text);
    REQUIRE_FALSE(e.text.empty());
    CHECK(annex.find(withoutWhitespace(e.text)) != std::string::npos);
    if (!e.group.empty()) CHECK(annex.find(withoutWhitespace(e.group)) != std::string::npos);
  }
}

TEST_CASE("catalogue: every entry has a short title and 5 to 20 keywords") {
  const pcs::Catalogue cat = pcs::Catalogue::builtin();
  for (const pcs::CatalogueEntry& e : cat.entries()) {
    INFO("entry " << e.code << ": " << e.title);
    CHECK_FALSE(e.title.empty());
    CHECK(utf8Chars(e.title) <= pcs::Catalogue::kMaxTitleChars);
    CHECK(e.keywords.size() >= 5);
    CHECK(e.keywords.size() <= 20);
  }
}

TEST_CASE("catalogue: spot checks against the notice") {
  const pcs::Catalogue cat = pcs::Catalogue::builtin();

  const pcs::CatalogueEntry* police2 = cat.find("police.2");
  REQUIRE(police2 != nullptr);
  CHECK(police2->handler == pcs::Handler::Police);
  CHECK(police2->text.find("高空抛物") != std::string::npos);

  CHECK(cat.byHandler(pcs::Handler::FireRescue).size() == 9);

  const pcs::CatalogueEntry* lift = cat.find("market_regulation.3.1");
  REQUIRE(lift != nullptr);
  CHECK(lift->text.find("电梯") != std::string::npos);
  CHECK(lift->group == "物业区域内特种设备问题");

  const pcs::CatalogueEntry* structure = cat.find("housing.1.1");
  REQUIRE(structure != nullptr);
  CHECK(structure->group == "物业企业未按合同履行");
  CHECK(structure->text.find("（包括基础、内外承重墙体、柱、梁、楼板、屋顶等）") !=
        std::string::npos);

  // The page break of the extracted notice ("快\n\n调快处") is repaired in the data.
  CHECK(cat.find("court.1")->text.find("快调快处") != std::string::npos);
  CHECK(cat.find("housing.3")->group.empty());
}

TEST_CASE("catalogue: urgent entries are the documented few") {
  // See the header of common/data/catalogue.txt for why each one is urgent (R3).
  const std::set<std::string> expected = {
      "housing.1.1",         "police.2",      "health.1",      "market_regulation.3.1", "energy.1",
      "civil_air_defence.6", "fire_rescue.1", "fire_rescue.3", "fire_rescue.6"};
  std::set<std::string> urgent;
  const pcs::Catalogue cat = pcs::Catalogue::builtin();
  for (const pcs::CatalogueEntry& e : cat.entries())
    if (e.urgent) urgent.insert(e.code);
  CHECK(urgent == expected);
}

TEST_CASE("catalogue: find returns null for an unknown code") {
  const pcs::Catalogue cat = pcs::Catalogue::builtin();
  CHECK(cat.find("housing.9") == nullptr);
  CHECK(cat.find("") == nullptr);
  CHECK(cat.find("police.2") == &cat.entries()[19]);
}

TEST_CASE("catalogue: parse reads every field of an entry") {
  const pcs::Catalogue cat = pcs::Catalogue::parse(
      "\xEF\xBB\xBF# a comment line\n"
      "entry market_regulation.3.1 market_regulation   # trailing comment\r\n"
      "group 物业区域内特种设备问题\n"
      "title 电梯维保\n"
      "urgent\n"
      "text 小区内电梯未按照 规范 维护保养\n"
      "keywords 电梯坏了 困电梯\n"
      "keywords 电梯异响\n"
      "\n"
      "entry court.1 court\n"
      "group\n"
      "title 司法协助\n"
      "text 诉前调解\n");
  REQUIRE(cat.entries().size() == 2);
  const pcs::CatalogueEntry& e = cat.entries()[0];
  CHECK(e.code == "market_regulation.3.1");
  CHECK(e.handler == pcs::Handler::MarketRegulation);
  CHECK(e.group == "物业区域内特种设备问题");
  CHECK(e.title == "电梯维保");
  CHECK(e.text == "小区内电梯未按照 规范 维护保养");
  CHECK(e.keywords == std::vector<std::string>{"电梯坏了", "困电梯", "电梯异响"});
  CHECK(e.urgent);
  CHECK(cat.entries()[1].group.empty());
  CHECK(cat.entries()[1].keywords.empty());
  CHECK_FALSE(cat.entries()[1].urgent);
  CHECK(cat.byHandler(pcs::Handler::Court).size() == 1);
  CHECK(cat.byHandler(pcs::Handler::Police).empty());
}

TEST_CASE("catalogue: an unknown handler key is an error naming its line") {
  const std::string msg = parseError(std::string(kValidEntry) +
                                     "\n"
                                     "entry housing.1.1 housingg\n"
                                     "title 维护\n"
                                     "text 日常维护\n");
  CHECK(msg.rfind("line 6:", 0) == 0);
  CHECK(msg.find("housingg") != std::string::npos);
}

TEST_CASE("catalogue: a duplicate code is an error naming the second line") {
  const std::string msg = parseError(std::string(kValidEntry) + kValidEntry);
  CHECK(msg.rfind("line 5:", 0) == 0);
  CHECK(msg.find("police.2") != std::string::npos);
}

TEST_CASE("catalogue: an entry without text is an error naming the entry's line") {
  const std::string msg = parseError(std::string(kValidEntry) +
                                     "# the next entry forgot its text\n"
                                     "entry police.3 police\n"
                                     "title 其他\n"
                                     "keywords 报警 派出所\n" +
                                     kValidEntry);
  CHECK(msg.rfind("line 6:", 0) == 0);
  CHECK(msg.find("police.3") != std::string::npos);
  CHECK(msg.find("text") != std::string::npos);

  // The last entry of the file is checked too, and an empty `text` line is no text.
  CHECK(parseError("entry court.1 court\ntitle 司法\n").rfind("line 1:", 0) == 0);
  CHECK(parseError("entry court.1 court\ntitle 司法\ntext\n").rfind("line 3:", 0) == 0);
}

TEST_CASE("catalogue: malformed lines are errors naming their line") {
  // A code that does not start with its handler key, or is not numbered like the annex.
  CHECK(parseError("entry police.1 housing\ntitle t\ntext x\n").rfind("line 1:", 0) == 0);
  CHECK(parseError("entry police.01 police\ntitle t\ntext x\n").rfind("line 1:", 0) == 0);
  CHECK(parseError("entry police.1.2.3 police\ntitle t\ntext x\n").rfind("line 1:", 0) == 0);
  CHECK(parseError("entry police. police\ntitle t\ntext x\n").rfind("line 1:", 0) == 0);
  CHECK(parseError("entry police.1\ntitle t\ntext x\n").rfind("line 1:", 0) == 0);
  // A field before any entry, an unknown directive, a repeated field or keyword.
  CHECK(parseError("title t\nentry police.1 police\n").rfind("line 1:", 0) == 0);
  CHECK(parseError(std::string(kValidEntry) + "remark x\n").rfind("line 5:", 0) == 0);
  CHECK(parseError(std::string(kValidEntry) + "title again\n").rfind("line 5:", 0) == 0);
  CHECK(parseError(std::string(kValidEntry) + "urgent\nurgent\n").rfind("line 6:", 0) == 0);
  CHECK(parseError(std::string(kValidEntry) + "keywords 扔东西\n").rfind("line 5:", 0) == 0);
  CHECK(parseError(std::string(kValidEntry) + "urgent yes\n").rfind("line 5:", 0) == 0);
  // A title longer than a board card holds (21 characters).
  CHECK(
      parseError("entry court.1 court\ntitle 一二三四五六七八九十一二三四五六七八九十一\ntext x\n")
          .rfind("line 2:", 0) == 0);
}

TEST_CASE("catalogue: a text without entries is an error") {
  CHECK(parseError("# only comments\n\n").find("no entries") != std::string::npos);
  CHECK(parseError("").find("no entries") != std::string::npos);
}
