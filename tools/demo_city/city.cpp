// The demo city: areas from data/city.txt, companies and estates from data/names.txt, and an
// account for every role in every county.
//
// Sections: data files | areas | companies | estates | users | the city
#include <algorithm>
#include <set>
#include <sstream>

#include "internal.h"
#include "pcs/embedded.h"
#include "pcs/error.h"

namespace pcs::demo {

// The files of data/, compiled in by common/embed_data.cmake.
const std::vector<EmbeddedFile>& embeddedDemoFiles();

// ---- data files -----------------------------------------------------------------------------

std::string_view dataFile(std::string_view name) {
  for (const auto& [path, content] : embeddedDemoFiles())
    if (path == name) return content;
  throw Error(ErrorCode::NotFound, "demo data file " + std::string(name));
}

namespace {

std::string trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

std::vector<std::string> dataLines(std::string_view file) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= file.size()) {
    size_t end = file.find('\n', pos);
    if (end == std::string_view::npos) end = file.size();
    std::string_view line = file.substr(pos, end - pos);
    if (const size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    std::string t = trim(line);
    if (!t.empty()) out.push_back(std::move(t));
    pos = end + 1;
  }
  return out;
}

std::map<std::string, std::vector<std::string>> dataSections(std::string_view file,
                                                             bool wholeLines) {
  std::map<std::string, std::vector<std::string>> out;
  std::string section;
  for (const std::string& line : dataLines(file)) {
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      out[section];
      continue;
    }
    if (section.empty()) throw Error(ErrorCode::InvalidInput, "demo data outside a section");
    if (wholeLines)
      out[section].push_back(line);
    else
      for (std::string& w : words(line)) out[section].push_back(std::move(w));
  }
  return out;
}

namespace {

// ---- areas ----------------------------------------------------------------------------------

void readAreas(City& city) {
  AreaSpec* county = nullptr;
  for (const std::string& line : dataLines(dataFile("city.txt"))) {
    const std::vector<std::string> w = words(line);
    if (w[0] == "city" && w.size() == 3) {
      city.areas = {w[1], w[2], {}};
    } else if (w[0] == "county" && w.size() == 5 && std::atoi(w[4].c_str()) > 0) {
      city.areas.children.push_back({w[1], w[2], {}});
      city.population[w[1]] = std::atoi(w[4].c_str());
      county = &city.areas.children.back();
      (w[3] == "district" ? city.districts : city.counties).push_back(w[1]);
    } else if (w[0] == "street" && w.size() >= 3 && county) {
      AreaSpec street{w[1], w[2], {}};
      for (size_t i = 3; i < w.size(); ++i) {
        const std::string n = std::to_string(i - 2);
        street.children.push_back({w[1] + ".m" + (n.size() < 2 ? "0" : "") + n, w[i], {}});
      }
      county->children.push_back(std::move(street));
    } else {
      throw Error(ErrorCode::InvalidInput, "city.txt: bad line: " + line);
    }
  }
  city.org = buildStandardOrg(city.areas);
}

// ---- companies --------------------------------------------------------------------------------

// A made-up but well-formed unified social credit code for company number `n` (the check
// character follows GB 32100's weights and alphabet).
std::string creditCode(int n) {
  static const std::string kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  std::string body = "91530100MA" + std::string(1, kChars[10 + n % 20]) +
                     std::to_string(100000 + n * 7919 % 900000);
  body = body.substr(0, 17);
  int sum = 0, weight = 1;
  for (char c : body) {
    sum += static_cast<int>(kChars.find(c)) * weight;
    weight = weight * 3 % 31;
  }
  return body + kChars[(31 - sum % 31) % 31];
}

// The first demo's companies and estates keep their ids and places: tests and docs name them.
const char* const kFirstCompanies[] = {
    "云川市安居物业服务有限公司", "云川恒信物业管理有限公司",   "东湖宜家物业服务有限公司",
    "西岭康居物业有限公司",       "云川市万佳物业服务有限公司", "南溪安泰物业管理有限公司",
    "青山县绿洲物业有限公司",     "云川市锦程物业管理有限公司",
};

struct FirstEstate {
  const char* name;
  const char* community;
  int company;  // index into kFirstCompanies, -1 for none (失管小区)
  bool highRise;
  bool directPower;
};

const FirstEstate kFirstEstates[] = {
    {"锦绣花园", "c01.s01.m01", 0, true, false},   {"阳光家园", "c01.s01.m01", 1, false, false},
    {"翠湖小区", "c01.s01.m02", 2, true, true},    {"金桂苑", "c01.s02.m01", 0, false, false},
    {"和平里小区", "c01.s02.m02", 3, false, true}, {"春晓苑", "c02.s01.m01", 4, true, false},
    {"御景湾", "c02.s01.m02", 1, true, false},     {"枫林雅居", "c02.s02.m01", 3, false, false},
    {"书香门第", "c02.s01.m01", 4, true, false},   {"滨河新城", "c03.s01.m01", 5, true, false},
    {"紫荆花园", "c03.s01.m02", 5, false, true},   {"南苑新村", "c03.s01.m01", -1, false, true},
    {"石门家园", "c04.s01.m02", 6, false, false},  {"龙泉山庄", "c04.s02.m01", 6, false, true},
    {"世纪城", "c01.s02.m01", 7, true, false},     {"华府名邸", "c02.s02.m01", 7, true, false},
};

constexpr int kCompanies = 60;  // the brief: about 60 property-service companies
constexpr int kEstates = 150;   // and about 150 estates
// Share of the added estates without a company (老旧小区, 失管小区), in per mille.
constexpr int kWithoutCompanyPerMille = 180;

// The county a company mainly works in ("" for city-wide): its name starts with the place.
std::string homeCounty(const Company& c, const City& city) {
  for (const AreaSpec& county : city.areas.children) {
    const std::string shortName = county.name.substr(0, county.name.size() - 3);  // drop 区/县
    if (c.name.rfind(shortName, 0) == 0) return county.id;
  }
  return "";
}

void makeCompanies(City& city, Rng& rng,
                   const std::map<std::string, std::vector<std::string>>& names) {
  std::set<std::string> used;
  auto add = [&](const std::string& name) {
    const int n = static_cast<int>(city.companies.size()) + 1;
    Company c;
    c.id = "co-" + std::to_string(n);
    c.name = name;
    c.creditCode = creditCode(n);
    used.insert(name);
    city.companies.push_back(std::move(c));
  };
  for (const char* name : kFirstCompanies) add(name);

  // The rest: one per county in turn (the place starts the name), then city-wide ones.
  const std::vector<std::string>& cores = names.at("company_core");
  const std::vector<std::string>& suffixes = names.at("company_suffix");
  size_t county = 4;  // the first eight cover c01..c04 already
  while (static_cast<int>(city.companies.size()) < kCompanies) {
    const AreaSpec& area = city.areas.children[county++ % city.areas.children.size()];
    const std::string place = county % 5 == 0
                                  ? city.areas.name.substr(0, city.areas.name.size() - 3)
                                  : area.name.substr(0, area.name.size() - 3);
    const std::string name = place + rng.pick(cores) + rng.pick(suffixes);
    if (!used.count(name)) add(name);
  }

  // Grades and standing: most companies are unremarkable; a few are rated low or sit on the
  // black list, so the R11 causes besides the count have something to show. co-7 keeps the
  // low rating it had in the first demo.
  for (size_t i = 0; i < city.companies.size(); ++i) {
    Company& c = city.companies[i];
    const int n = static_cast<int>(i) + 1;
    c.serviceGrade = n % 3 == 0 ? "二级" : (n % 7 == 0 ? "一级" : "三级");
    c.creditRating =
        n == 7 || n == 23 || n == 41 ? "C" : (n == 52 ? "D" : (n % 4 == 0 ? "A" : "B"));
    if (n == 9 || n == 31 || n == 47) {
      c.listStatus = ListStatus::Black;
      c.monthsOnBlackList = n == 47 ? 1 : 3 + n % 3;
    } else if (n % 11 == 0) {
      c.listStatus = ListStatus::Red;
    }
  }
}

// ---- estates --------------------------------------------------------------------------------

void makeEstates(City& city, Rng& rng,
                 const std::map<std::string, std::vector<std::string>>& names) {
  std::set<std::string> used;
  auto add = [&](std::string name, const std::string& community, const std::string& company,
                 bool highRise, bool directPower) {
    Estate e;
    e.id = "e-" + std::to_string(city.estates.size() + 1);
    e.communityId = community;
    e.streetId = city.org.get(community).parentId;
    e.countyId = city.org.get(e.streetId).parentId;
    e.address = city.org.get(e.countyId).name + city.org.get(e.streetId).name + name;
    e.name = std::move(name);
    e.companyId = company;
    e.highRise = highRise;
    e.directPower = directPower;
    used.insert(e.name);
    city.estates.push_back(std::move(e));
  };
  for (const FirstEstate& f : kFirstEstates)
    add(f.name, f.community, f.company >= 0 ? "co-" + std::to_string(f.company + 1) : "",
        f.highRise, f.directPower);

  // Every community of the city, in tree order.
  std::vector<std::string> communities;
  for (const AreaSpec& county : city.areas.children)
    for (const AreaSpec& street : county.children)
      for (const AreaSpec& community : street.children) communities.push_back(community.id);

  // Companies by the county they mainly work in; city-wide ones work anywhere.
  std::map<std::string, std::vector<std::string>> companiesIn;
  std::vector<std::string> cityWide;
  for (const Company& c : city.companies) {
    const std::string home = homeCounty(c, city);
    (home.empty() ? cityWide : companiesIn[home]).push_back(c.id);
  }
  // Companies that manage no estate yet get the next estate of their county first.
  std::set<std::string> managing;
  for (const Estate& e : city.estates) managing.insert(e.companyId);

  const std::vector<std::string>& cores = names.at("estate_core");
  const std::vector<std::string>& suffixes = names.at("estate_suffix");
  const std::vector<std::string>& oldSuffixes = names.at("estate_old_suffix");
  size_t next = 9;  // start with the new counties' communities, so each gets estates early
  while (static_cast<int>(city.estates.size()) < kEstates) {
    const std::string& community = communities[next++ % communities.size()];
    const std::string county = city.org.get(city.org.get(community).parentId).parentId;
    std::string company;
    std::vector<std::string> local = companiesIn[county];
    for (const std::string& id : local)
      if (!managing.count(id)) company = id;
    // Every county has old estates without a company (they draw many complaints); the first
    // added estate of a county without one is such an estate.
    bool hasOld = false;
    for (const Estate& e : city.estates) hasOld |= e.countyId == county && e.companyId.empty();
    if (!hasOld) {
      company.clear();
    } else if (company.empty() && rng.chance(kWithoutCompanyPerMille)) {
      // left without a company
    } else if (company.empty()) {
      const bool wide = local.empty() || rng.chance(250);
      company = wide ? rng.pick(cityWide) : rng.pick(local);
    }
    const bool old = company.empty();
    std::string name = rng.pick(cores) + (old ? rng.pick(oldSuffixes) : rng.pick(suffixes));
    if (used.count(name)) continue;
    managing.insert(company);
    add(std::move(name), community, company, !old && rng.chance(450), rng.chance(old ? 400 : 120));
  }
  // A city-wide company that still manages nothing takes the last estate of a county without
  // one of its own (the loop above only hands out local companies first).
  for (const std::string& id : cityWide) {
    if (managing.count(id)) continue;
    for (auto it = city.estates.rbegin(); it != city.estates.rend(); ++it)
      if (it->companyId.empty() && it->id != "e-12") {
        it->companyId = id;
        managing.insert(id);
        break;
      }
  }
}

// ---- users ----------------------------------------------------------------------------------

const char* const kCountyDepartments[] = {"police",
                                          "market_regulation",
                                          "fire_rescue",
                                          "health",
                                          "urban_management",
                                          "natural_resources",
                                          "development_reform",
                                          "energy",
                                          "civil_air_defence",
                                          "court",
                                          "hotline_12345"};

void addCountyUsers(std::vector<DemoUser>& users, const std::string& c, const std::string& name) {
  users.push_back({c + ".clerk", name + "住建受理员", c + ".housing", {Role::IntakeClerk}});
  users.push_back({c + ".dispatcher",
                   name + "住建分转员",
                   c + ".housing",
                   {Role::Dispatcher, Role::IntakeClerk}});
  users.push_back({c + ".housing.head",
                   name + "住建负责人",
                   c + ".housing",
                   {Role::UnitHead, Role::Dispatcher}});
  users.push_back({c + ".discipline", name + "纪委监委", c + ".discipline", {Role::Oversight}});
  for (const char* dept : kCountyDepartments) {
    users.push_back({c + "." + dept,
                     name + std::string(handlerNameZh(*handlerFromKey(dept))) + "承办人",
                     c + "." + dept,
                     {Role::Handler}});
  }
  users.push_back({c + ".police.head", name + "公安负责人", c + ".police", {Role::UnitHead}});
  // Added with the larger demo: a county reviewer (checks and co-signs completion opinions
  // for the county housing authority) and a county administrator.
  users.push_back({c + ".reviewer", name + "住建审核员", c + ".housing", {Role::Reviewer}});
  users.push_back({c + ".admin", name + "系统管理员", c + ".housing", {Role::Admin}});
}

void makeUsers(City& city) {
  std::vector<DemoUser>& users = city.users;
  users = {
      {"admin", "系统管理员", "city.housing", {Role::Admin}},
      {"city.clerk", "市住建受理员", "city.housing", {Role::IntakeClerk}},
      {"city.dispatcher", "市住建分转员", "city.housing", {Role::Dispatcher, Role::IntakeClerk}},
      {"city.reviewer", "市住建审核员", "city.housing", {Role::Reviewer}},
      {"city.head", "市住建负责人", "city.housing", {Role::UnitHead, Role::Reviewer}},
      {"city.discipline", "市纪委监委", "city.discipline", {Role::Oversight}},
  };
  for (const char* dept : kCountyDepartments)
    users.push_back(
        {std::string("city.") + dept + ".reviewer",
         std::string("市") + std::string(handlerNameZh(*handlerFromKey(dept))) + "审核员",
         std::string("city.") + dept,
         {Role::Reviewer}});
  for (const AreaSpec& county : city.areas.children) {
    addCountyUsers(users, county.id, county.name);
    for (const AreaSpec& street : county.children) {
      users.push_back({street.id + ".handler", street.name + "承办人", street.id, {Role::Handler}});
      users.push_back({street.id + ".head",
                       street.name + "负责人",
                       street.id,
                       {Role::UnitHead, Role::Handler}});
      for (const AreaSpec& community : street.children)
        users.push_back({community.id + ".handler",
                         community.name + "工作人员",
                         community.id,
                         {Role::Handler}});
    }
  }
}

// ---- the city -------------------------------------------------------------------------------

// Grade-review surveys the demo counties recorded (R11): the two companies with the most
// complaints refused to fix or scored low, one other improved.
void makeSurveys(City& city) {
  city.surveys["co-2"] = SurveyResult{0.42, true, false};
  city.surveys["co-5"] = SurveyResult{0.47, false, true};
  city.surveys["co-3"] = SurveyResult{0.71, false, false};
}

City build() {
  City city;
  readAreas(city);
  const auto names = dataSections(dataFile("names.txt"), false);
  // A fixed seed: the city is the same whatever seed the complaints use.
  Rng rng(0x5EED0C17ULL);
  makeCompanies(city, rng, names);
  makeEstates(city, rng, names);
  makeUsers(city);
  for (size_t i = 0; i < city.users.size(); ++i) city.userIndex[city.users[i].login] = i;
  makeSurveys(city);
  return city;
}

}  // namespace

const DemoUser& City::user(const std::string& login) const {
  const auto it = userIndex.find(login);
  if (it == userIndex.end()) throw Error(ErrorCode::NotFound, "demo user " + login);
  return users[it->second];
}

const std::vector<std::string> City::countyLevelIds() const {
  std::vector<std::string> out;
  for (const AreaSpec& c : areas.children) out.push_back(c.id);
  return out;
}

const City& demoCity() {
  static const City city = build();
  return city;
}

}  // namespace pcs::demo
