// The permission matrix: every API endpoint against every kind of user.
//
// Each row of a table is one request and the status every client must get for it. The clients
// cover every role (intake_clerk, dispatcher, handler, reviewer, unit_head, oversight, admin) in
// units of every kind: city housing, county housing (c01), another county (c02), a county
// department (c01.police), city departments (city.police, the city 12345 centre), a street office
// (c01.s01), a community, the discipline commissions; two accounts with intake roles outside a
// property authority; an anonymous client; and, for unsafe requests, logged-in users without the
// CSRF token, with a wrong one, and from a foreign Origin (every user on the plain endpoints; on
// an action, each user the row allows it to, whose request would otherwise succeed).
//
// Action rows take their expectations from the workflow's transition table
// (common/src/workflow.cpp: transitionTable() and apply()) and the unit scope rules (docs/api.md
// section 2): a case the user's unit cannot see is 404, an oversight-only user or a wrong role or
// unit is 403, a wrong state 409, otherwise 200. Where apply() checks the state before the unit
// (co-signing, review) a user with the right role in the wrong unit gets 409 in the wrong state;
// the rows say so. Refusals must leave the case unchanged, and the view's `actions` list must
// offer an action to exactly the users the row lets do it.
//
// A failing check prints the method, path, client and body. A known server bug would be left out
// of a row (knownBug) and get its own TEST_CASE marked skip, naming the issue that tracks it;
// there is none today.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "demo.h"
#include "pcs/date.h"
#include "test_server.h"

namespace {

const std::string kApi = "/api/v1";

// ---- clients ----------------------------------------------------------------------------------

// The demo accounts of the matrix (server/demo.cpp demoUsers()).
const char* const kDemoLogins[] = {
    "admin",                        // admin, city housing
    "city.clerk",                   // intake_clerk, city housing
    "city.dispatcher",              // dispatcher + intake_clerk, city housing
    "city.reviewer",                // reviewer, city housing
    "city.head",                    // unit_head + reviewer, city housing
    "city.discipline",              // oversight, city discipline commission
    "city.police.reviewer",         // reviewer, city department with a handler key
    "city.hotline_12345.reviewer",  // reviewer, city 12345 centre
    "c01.clerk",                    // intake_clerk, county housing
    "c01.dispatcher",               // dispatcher + intake_clerk, county housing
    "c01.housing.head",             // unit_head + dispatcher, county housing
    "c01.discipline",               // oversight, county discipline commission
    "c01.police",                   // handler, county department
    "c01.police.head",              // unit_head, county department
    "c01.hotline_12345",            // handler, county 12345 centre
    "c01.market_regulation",        // handler, county department never involved
    "c01.s01.handler",              // handler, street office
    "c01.s01.head",                 // unit_head + handler, street office
    "c01.s01.m01.handler",          // handler, community of that street
    "c01.s02.handler",              // handler, another street of the county
    "c02.dispatcher",               // dispatcher + intake_clerk, another county's housing
};

// Accounts the demo lacks, made by the administrator first: intake roles outside a property
// authority, which may not register complaints.
struct ExtraUser {
  const char* login;
  const char* unit;
  const char* roles;
};
const ExtraUser kExtraUsers[] = {
    {"c01.police.intake", "c01.police", R"(["intake_clerk"])"},
    {"c01.s01.intake", "c01.s01", R"(["intake_clerk","dispatcher"])"},
};

const char* const kOversightOnly[] = {"city.discipline", "c01.discipline"};

struct Reply {
  int status = 0;
  std::string body;
};

// How a request carries the CSRF token.
enum class Csrf { Send, Omit, Wrong, ForeignOrigin };

const char* csrfName(Csrf c) {
  switch (c) {
    case Csrf::Send:
      return "";
    case Csrf::Omit:
      return " without CSRF token";
    case Csrf::Wrong:
      return " with a wrong CSRF token";
    case Csrf::ForeignOrigin:
      return " from a foreign Origin";
  }
  return "";
}

// One client: a logged-in account, or the anonymous client (no cookie).
struct Who {
  std::string login;  // "anonymous" for the client without a session
  std::string cookie;
  std::string csrf;
  bool oversightOnly = false;
  bool anonymous() const { return cookie.empty(); }
};

bool isUnsafe(const std::string& method) {
  return method == "POST" || method == "PATCH" || method == "PUT" || method == "DELETE";
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// ---- expectations -----------------------------------------------------------------------------

// The status each client must get: `named` for the listed logins, `otherwise` for every other
// logged-in user, `anonymous` for the client without a session.
struct Expect {
  int otherwise = 200;
  std::map<std::string, int> named;
  int anonymous = 401;

  int forLogin(const std::string& login) const {
    auto it = named.find(login);
    return it == named.end() ? otherwise : it->second;
  }
};

// expect(403, {{200, "a b"}, {409, "c"}}): a and b get 200, c 409, everyone else 403.
Expect expect(int otherwise, std::vector<std::pair<int, std::string>> groups = {},
              int anonymous = 401) {
  Expect e;
  e.otherwise = otherwise;
  e.anonymous = anonymous;
  for (const auto& [status, logins] : groups)
    for (const std::string& l : words(logins)) e.named[l] = status;
  return e;
}

// ---- the server and its clients ---------------------------------------------------------------

class Matrix {
 public:
  explicit Matrix(TestServer& server) : http_("127.0.0.1", server.port()) {
    http_.set_keep_alive(false);
    clients_.push_back(Who{"anonymous", "", "", false});
    for (const char* login : kDemoLogins) logIn(login);
    const Who admin = who("admin");  // a copy: logIn() grows clients_
    for (const ExtraUser& u : kExtraUsers) {
      Reply r =
          send(admin, "POST", kApi + "/users",
               std::string(R"({"login":")") + u.login +
                   R"(","display_name":"矩阵测试账号","unit_id":")" + u.unit + R"(","roles":)" +
                   u.roles + R"(,"password":")" + pcs::server::kDemoPassword + R"("})");
      REQUIRE_MESSAGE(r.status == 201, u.login, ": ", r.body);
      logIn(u.login);
    }
    for (const char* login : kOversightOnly) who(login).oversightOnly = true;
  }

  // Everyone: the anonymous client first, then every account.
  const std::vector<Who>& everyone() const { return clients_; }

  Who& who(const std::string& login) {
    for (Who& w : clients_)
      if (w.login == login) return w;
    FAIL("no client " << login);
    return clients_.front();
  }

  Reply send(const Who& w, const std::string& method, const std::string& path,
             const std::string& body, Csrf csrf = Csrf::Send) {
    httplib::Headers h;
    if (!w.anonymous()) h.emplace("Cookie", w.cookie);
    if (isUnsafe(method) && !w.anonymous()) {
      if (csrf == Csrf::Send || csrf == Csrf::ForeignOrigin) h.emplace("X-CSRF-Token", w.csrf);
      if (csrf == Csrf::Wrong) h.emplace("X-CSRF-Token", "not-the-token-of-this-session");
      if (csrf == Csrf::ForeignOrigin) h.emplace("Origin", "http://other-site.invalid");
    }
    httplib::Result res = method == "GET"     ? http_.Get(path, h)
                          : method == "PATCH" ? http_.Patch(path, h, body, "application/json")
                                              : http_.Post(path, h, body, "application/json");
    REQUIRE_MESSAGE(res, method, " ", path, ": no answer");
    return Reply{res->status, res->body};
  }

  // Uploads `content` as the multipart part `file`; returns the answer.
  Reply upload(const std::string& login, const std::string& path, const std::string& content) {
    const Who& w = who(login);
    httplib::MultipartFormDataItems items = {{"file", content, "photo.png", "image/png"}};
    auto res = http_.Post(path, {{"Cookie", w.cookie}, {"X-CSRF-Token", w.csrf}}, items);
    REQUIRE_MESSAGE(res, "POST ", path, ": no answer");
    return Reply{res->status, res->body};
  }

  // A request that must succeed (setting up a case); returns the parsed answer.
  rapidjson::Document must(const std::string& login, const std::string& method,
                           const std::string& path, const std::string& body = "") {
    Reply r = send(who(login), method, path, body);
    REQUIRE_MESSAGE((r.status == 200 || r.status == 201), method, " ", path, " as ", login, " ",
                    body, " -> ", r.status, " ", r.body);
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    return d;
  }

 private:
  void logIn(const std::string& login) {
    auto res = http_.Post(
        kApi + "/auth/login",
        R"({"login":")" + login + R"(","password":")" + pcs::server::kDemoPassword + R"("})",
        "application/json");
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, login, ": ", res->body);
    const std::string cookie = res->get_header_value("Set-Cookie");
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    clients_.push_back(
        Who{login, cookie.substr(0, cookie.find(';')), d["csrf_token"].GetString(), false});
  }

  httplib::Client http_;
  std::vector<Who> clients_;
};

// ---- rows of plain endpoints ------------------------------------------------------------------

struct Row {
  std::string method;
  std::string path;
  // The body each client sends (unsafe methods only); may differ per client (unique logins).
  std::function<std::string(const Who&)> body;
  Expect want;
  // Logins not checked here because the server has a known bug for them (none today; see the
  // file comment).
  std::set<std::string> knownBug = {};
};

// Runs one row for every client. Unsafe requests are first sent by every logged-in user
// without the CSRF token, with a wrong one and from a foreign Origin, and must be refused 403.
void run(Matrix& m, const Row& row) {
  for (const Who& w : m.everyone()) {
    if (row.knownBug.count(w.login)) continue;
    const std::string body = row.body ? row.body(w) : "";
    if (isUnsafe(row.method) && !w.anonymous())
      for (Csrf c : {Csrf::Omit, Csrf::Wrong, Csrf::ForeignOrigin}) {
        Reply r = m.send(w, row.method, row.path, body, c);
        CHECK_MESSAGE(r.status == 403, row.method, " ", row.path, " as ", w.login, csrfName(c),
                      " body ", body, " -> ", r.status, " ", r.body);
      }
    const int want = w.anonymous() ? row.want.anonymous : row.want.forLogin(w.login);
    Reply r = m.send(w, row.method, row.path, body);
    CHECK_MESSAGE(r.status == want, row.method, " ", row.path, " as ", w.login, " body ", body,
                  " -> ", r.status, " (want ", want, ") ", r.body);
  }
}

std::function<std::string(const Who&)> fixed(const std::string& body) {
  return [body](const Who&) { return body; };
}

// ---- cases at every state ---------------------------------------------------------------------

// The states the action rows start from. All are complaints about 锦绣花园 (e-1: county c01,
// street c01.s01, community c01.s01.m01) from the 12345 channel, so the 12345 centres see them.
// S*: assignment 1 is the street office c01.s01 (housing side, co-signed and reviewed by city
// housing); P*: assignment 1 is the county police (reviewed by the city police).
enum class Fx {
  Reg,        // registered by c01.clerk, owned by c01 housing
  Urgent,     // the same, urgent
  CityReg,    // registered by city.clerk, owned by city housing
  SDisp,      // dispatched to c01.s01
  SAcc,       // accepted
  SPlan,      // plan submitted
  SRes,       // resolved, not co-signed
  SCoSigned,  // co-signed by the street and county housing
  SReview,    // under review by city housing
  SClosed,    // approved: case closed
  SSusp,      // accepted, suspension requested
  SExt,       // accepted, extension requested
  SPen,       // accepted, penalty lead open
  PDisp,      // dispatched to c01.police
  PRes,       // resolved by the police
  PReview,    // under review by the city police
};

const char* fxName(Fx f) {
  switch (f) {
    case Fx::Reg:
      return "registered";
    case Fx::Urgent:
      return "registered+urgent";
    case Fx::CityReg:
      return "registered by city housing";
    case Fx::SDisp:
      return "street dispatched";
    case Fx::SAcc:
      return "street accepted";
    case Fx::SPlan:
      return "street plan_submitted";
    case Fx::SRes:
      return "street resolved";
    case Fx::SCoSigned:
      return "street co_signed";
    case Fx::SReview:
      return "street under_review";
    case Fx::SClosed:
      return "street closed";
    case Fx::SSusp:
      return "street suspension pending";
    case Fx::SExt:
      return "street extension pending";
    case Fx::SPen:
      return "street penalty open";
    case Fx::PDisp:
      return "police dispatched";
    case Fx::PRes:
      return "police resolved";
    case Fx::PReview:
      return "police under_review";
  }
  return "";
}

bool policeSide(Fx f) {
  return f == Fx::PDisp || f == Fx::PRes || f == Fx::PReview;
}

// Who sees a case of the fixtures (docs/api.md section 2): city housing and the city discipline
// commission see everything; county housing and discipline their county; the street office and
// the community theirs; the 12345 centres the 12345 channel; a department only what was
// dispatched to its handler key.
std::set<std::string> visibleTo(Fx f) {
  std::string logins =
      "admin city.clerk city.dispatcher city.reviewer city.head city.discipline "
      "city.hotline_12345.reviewer c01.clerk c01.dispatcher c01.housing.head c01.discipline "
      "c01.hotline_12345 c01.s01.handler c01.s01.head c01.s01.m01.handler c01.s01.intake";
  if (policeSide(f)) logins += " c01.police c01.police.head c01.police.intake city.police.reviewer";
  const std::vector<std::string> v = words(logins);
  return {v.begin(), v.end()};
}

// Dates relative to the server's today, which every run has.
std::string today(int plusDays = 0) {
  return pcs::cstDate(std::time(nullptr)).addDays(plusDays).toString();
}

std::string intakeBody(const std::string& estate, bool urgent) {
  return R"({"received_at":")" + pcs::formatCst(std::time(nullptr) - 3600) +
         R"(","channel":"hotline_12345","complainant_name":"矩阵甲",)"
         R"("complainant_contact":"13800001111","estate_id":")" +
         estate + R"(","content":"楼道堆放杂物，物业不清理")" +
         (urgent ? R"(,"urgent":true,"urgent_reason":"堵塞消防通道")" : "") + "}";
}

// The usual body members of each action, valid for the state the action needs.
std::string membersFor(const std::string& action) {
  static const std::map<std::string, std::string> m = {
      {"mark_urgent", R"("reason":"危及人身安全")"},
      {"report_urgent", R"("text":"已电话报告区委、区政府值班室")"},
      {"push_to_county", R"("reason":"属区级管辖")"},
      {"dispatch", R"("targets":[{"unit_id":"c01.s01","catalogue_codes":["housing.1.5"]}])"},
      {"merge", R"("target_case_id":"{target}","reason":"同一事项")"},
      {"reopen", R"("reason":"投诉人反映问题复发")"},
      {"record_satisfaction", R"("satisfaction":"satisfied")"},
      {"accept", ""},
      {"return", R"("reason":"不属本单位职责")"},
      {"submit_plan", R"("plan":[{"due":")" + today(30) + R"(","text":"约谈物业公司"}])"},
      {"report_progress", R"("text":"已约谈物业公司")"},
      {"resolve", R"("substantiated":true,"text":"已督促物业清理并答复投诉人")"},
      {"co_sign_street", R"("text":"情况属实，已核实")"},
      {"co_sign_housing", R"("text":"同意办结")"},
      {"submit_review", ""},
      {"approve", ""},
      {"reject", R"("reason":"请补充核查情况")"},
      {"request_suspension",
       R"("from":")" + today() + R"(","to":")" + today(3) + R"(","reason":"等待鉴定")"},
      {"approve_suspension", ""},
      {"request_extension", R"("days":5,"reason":"需调取监控")"},
      {"approve_extension", ""},
      {"open_penalty", R"("from":")" + today() + R"(")"},
      {"verify_penalty", R"("text":"已核查")"},
      {"extend_penalty", R"("reason":"案情复杂")"},
      {"decide_penalty", R"("text":"责令限期改正")"},
  };
  return m.at(action);
}

const char* const kAssignmentActions[] = {"accept",
                                          "return",
                                          "submit_plan",
                                          "report_progress",
                                          "resolve",
                                          "co_sign_street",
                                          "co_sign_housing",
                                          "submit_review",
                                          "approve",
                                          "reject",
                                          "request_suspension",
                                          "approve_suspension",
                                          "request_extension",
                                          "approve_extension",
                                          "open_penalty",
                                          "verify_penalty",
                                          "extend_penalty",
                                          "decide_penalty"};

std::string actionBody(const std::string& action, int assignment, const std::string& target) {
  std::string members = membersFor(action);
  const size_t at = members.find("{target}");
  if (at != std::string::npos) members.replace(at, 8, target);
  std::string body = R"({"action":")" + action + '"';
  if (assignment > 0) body += R"(,"assignment_id":)" + std::to_string(assignment);
  if (!members.empty()) body += "," + members;
  return body + "}";
}

class Cases {
 public:
  explicit Cases(Matrix& m) : m_(m) {}

  // A new case in state `f`, made through the API by the users whose job each step is.
  std::string make(Fx f) {
    auto act = [&](const std::string& login, const std::string& id, const std::string& action) {
      m_.must(login, "POST", kApi + "/cases/" + id + "/actions", actionBody(action, 1, ""));
    };
    auto dispatchTo = [&](const std::string& id, const std::string& unit, const std::string& code) {
      m_.must("c01.dispatcher", "POST", kApi + "/cases/" + id + "/actions",
              R"({"action":"dispatch","targets":[{"unit_id":")" + unit +
                  R"(","catalogue_codes":[")" + code + R"("]}]})");
    };
    std::string id;
    switch (f) {
      case Fx::Reg:
      case Fx::Urgent:
        return intake("c01.clerk", "e-1", f == Fx::Urgent);
      case Fx::CityReg:
        return intake("city.clerk", "e-1", false);
      case Fx::SDisp:
        id = make(Fx::Reg);
        dispatchTo(id, "c01.s01", "housing.1.5");
        return id;
      case Fx::SAcc:
        id = make(Fx::SDisp);
        act("c01.s01.handler", id, "accept");
        return id;
      case Fx::SPlan:
        id = make(Fx::SAcc);
        act("c01.s01.handler", id, "submit_plan");
        return id;
      case Fx::SRes:
        id = make(Fx::SAcc);
        act("c01.s01.handler", id, "resolve");
        return id;
      case Fx::SCoSigned:
        id = make(Fx::SRes);
        act("c01.s01.head", id, "co_sign_street");
        act("c01.housing.head", id, "co_sign_housing");
        return id;
      case Fx::SReview:
        id = make(Fx::SCoSigned);
        act("c01.dispatcher", id, "submit_review");
        return id;
      case Fx::SClosed:
        id = make(Fx::SReview);
        act("city.reviewer", id, "approve");
        return id;
      case Fx::SSusp:
        id = make(Fx::SAcc);
        act("c01.s01.handler", id, "request_suspension");
        return id;
      case Fx::SExt:
        id = make(Fx::SAcc);
        act("c01.s01.handler", id, "request_extension");
        return id;
      case Fx::SPen:
        id = make(Fx::SAcc);
        act("c01.s01.handler", id, "open_penalty");
        return id;
      case Fx::PDisp:
        id = make(Fx::Reg);
        dispatchTo(id, "c01.police", "police.2");
        return id;
      case Fx::PRes:
        id = make(Fx::PDisp);
        act("c01.police", id, "accept");
        act("c01.police", id, "resolve");
        return id;
      case Fx::PReview:
        id = make(Fx::PRes);
        act("c01.police", id, "submit_review");
        return id;
    }
    return id;
  }

  std::string intake(const std::string& login, const std::string& estate, bool urgent) {
    rapidjson::Document d = m_.must(login, "POST", kApi + "/cases", intakeBody(estate, urgent));
    return d["case"]["id"].GetString();
  }

  // A case in state `f` that earlier rows refused to change: one is kept per state, so rows
  // that allow nobody do not each build their own. put() hands one back unchanged.
  std::string take(Fx f) {
    auto it = spare_.find(f);
    if (it == spare_.end()) return make(f);
    const std::string id = it->second;
    spare_.erase(it);
    return id;
  }
  void put(Fx f, const std::string& id) { spare_[f] = id; }

  // The case as city housing sees it (it sees every case).
  rapidjson::Document view(const std::string& id) {
    return m_.must("city.reviewer", "GET", kApi + "/cases/" + id);
  }

 private:
  Matrix& m_;
  std::map<Fx, std::string> spare_;
};

// ---- rows of workflow actions -----------------------------------------------------------------

struct ActionRow {
  Fx fx;
  std::string action;
  int assignment;            // 0: a case-level action
  Expect want;               // for users who see the case; others get 404, oversight-only users 403
  bool checkOffered = true;  // false when the refusal comes from this row's body, not the state
};

int expectedFor(const ActionRow& row, const Who& w, const std::set<std::string>& visible) {
  if (w.anonymous()) return 401;
  if (!visible.count(w.login)) return 404;
  if (w.oversightOnly) return 403;
  return row.want.forLogin(w.login);
}

bool offered(const rapidjson::Document& view, const std::string& action, int assignment) {
  if (!view.IsObject() || !view.HasMember("actions")) return false;
  for (const auto& a : view["actions"].GetArray())
    if (action == a["action"].GetString() && a["assignment_id"].GetInt() == assignment) return true;
  return false;
}

// Runs one action row: on a case in the row's state, the view offers the action to exactly the
// users the row lets do it; anonymous, CSRF-less and refused requests leave it unchanged; then
// every user the row allows does it, each on a case of its own.
void run(Matrix& m, Cases& cases, const ActionRow& row, const std::string& mergeTarget) {
  const std::set<std::string> visible = visibleTo(row.fx);
  const std::string body = actionBody(row.action, row.assignment, mergeTarget);
  const std::string label = row.action + " on " + fxName(row.fx);
  std::string id = cases.take(row.fx);
  auto path = [&] { return kApi + "/cases/" + id + "/actions"; };
  const int64_t version = cases.view(id)["version"].GetInt64();

  std::vector<const Who*> allowed;
  for (const Who& w : m.everyone()) {
    const int want = expectedFor(row, w, visible);
    if (row.checkOffered && visible.count(w.login)) {
      Reply v = m.send(w, "GET", kApi + "/cases/" + id, "");
      rapidjson::Document d;
      d.Parse(v.body.c_str());
      CHECK_MESSAGE(offered(d, row.action, row.assignment) == (want == 200), label, ": ", w.login,
                    std::string(want == 200 ? " is not offered" : " is offered"), " the action");
    }
    if (want == 200) {
      allowed.push_back(&w);
      if (!w.anonymous())
        for (Csrf c : {Csrf::Omit, Csrf::Wrong, Csrf::ForeignOrigin}) {
          Reply r = m.send(w, "POST", path(), body, c);
          CHECK_MESSAGE(r.status == 403, label, ": POST ", path(), " as ", w.login, csrfName(c),
                        " body ", body, " -> ", r.status, " ", r.body);
        }
      continue;
    }
    Reply r = m.send(w, "POST", path(), body);
    CHECK_MESSAGE(r.status == want, label, ": POST ", path(), " as ", w.login, " body ", body,
                  " -> ", r.status, " (want ", want, ") ", r.body);
  }
  const bool unchanged = cases.view(id)["version"].GetInt64() == version;
  CHECK_MESSAGE(unchanged, label, ": a refused request changed the case");
  if (allowed.empty() && unchanged) cases.put(row.fx, id);

  bool first = true;
  for (const Who* w : allowed) {
    if (!first) id = cases.make(row.fx);
    first = false;
    Reply r = m.send(*w, "POST", path(), body);
    CHECK_MESSAGE(r.status == 200, label, ": POST ", path(), " as ", w->login, " body ", body,
                  " -> ", r.status, " (want 200) ", r.body);
    if (r.status != 200) continue;
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    const auto& events = d["case"]["events"];
    CHECK_MESSAGE(row.action == events[events.Size() - 1]["action"].GetString(), label,
                  ": the last event is not the action");
  }
}

// Groups of users, as the transition table names them.
const std::string kStreet = "c01.s01.handler c01.s01.head";  // the assigned street office
const std::string kPolice = "c01.police c01.police.head";    // the assigned county police
// Intake roles in a property authority that owns the case or supervises every case.
const std::string kMarkers = "c01.clerk c01.dispatcher c01.housing.head city.clerk city.dispatcher";
// Dispatchers of the owner side (county housing that owns the case, or city housing).
const std::string kDispatchers = "c01.dispatcher c01.housing.head city.dispatcher";
// dispatcher or unit_head on the owner side.
const std::string kOwnerLeads = kDispatchers + " city.head";
// dispatcher or reviewer on the owner side.
const std::string kReopeners = kDispatchers + " city.reviewer city.head";
// Every user with handler or unit_head who sees street cases.
const std::string kHandlersAndHeads =
    kStreet + " c01.s01.m01.handler c01.housing.head city.head c01.hotline_12345";
// Every user with dispatcher, unit_head or reviewer who sees street cases.
const std::string kCoSignRoles =
    "c01.dispatcher c01.housing.head city.dispatcher city.reviewer city.head "
    "city.hotline_12345.reviewer c01.s01.head c01.s01.intake";
// Reviewers who see street cases.
const std::string kReviewers = "city.reviewer city.head city.hotline_12345.reviewer";
const std::string kHotline = "c01.hotline_12345 city.hotline_12345.reviewer";

std::vector<ActionRow> actionRows() {
  std::vector<ActionRow> rows = {
      // -- case level: registered --
      {Fx::Reg, "mark_urgent", 0, expect(403, {{200, kMarkers}})},
      {Fx::Urgent, "mark_urgent", 0, expect(403, {{409, kMarkers}})},
      {Fx::Reg, "report_urgent", 0, expect(403, {{409, kOwnerLeads}})},
      {Fx::Urgent, "report_urgent", 0, expect(403, {{200, kOwnerLeads}})},
      // Only city housing pushes, and only cases it registered itself.
      {Fx::Reg, "push_to_county", 0, expect(403)},
      {Fx::CityReg, "push_to_county", 0, expect(403, {{200, "city.dispatcher"}})},
      {Fx::Reg, "dispatch", 0, expect(403, {{200, kDispatchers}})},
      // A case owned by city housing: the county may not dispatch it.
      {Fx::CityReg, "dispatch", 0, expect(403, {{200, "city.dispatcher"}})},
      {Fx::Reg, "merge", 0, expect(403, {{200, kDispatchers}})},
      {Fx::Reg, "reopen", 0, expect(403, {{409, kReopeners}})},
      {Fx::Reg, "record_satisfaction", 0, expect(403, {{409, kHotline}})},
      // No assignment 1 yet: 400 before any role check.
      {Fx::Reg, "accept", 1, expect(400), false},

      // -- street office: dispatched --
      {Fx::SDisp, "accept", 1, expect(403, {{200, kStreet}})},
      {Fx::SDisp, "return", 1, expect(403, {{200, kStreet}})},
      {Fx::SDisp, "resolve", 1, expect(403, {{409, kStreet}})},
      {Fx::SDisp, "submit_plan", 1, expect(403, {{409, kStreet}})},
      {Fx::SDisp, "request_extension", 1, expect(403, {{409, kStreet}})},
      // The street office already handles it.
      {Fx::SDisp, "dispatch", 0, expect(403, {{409, kDispatchers}}), false},

      // -- street office: accepted --
      {Fx::SAcc, "accept", 1, expect(403, {{409, kStreet}})},
      {Fx::SAcc, "return", 1, expect(403, {{200, kStreet}})},
      {Fx::SAcc, "submit_plan", 1, expect(403, {{200, kStreet}})},
      {Fx::SAcc, "report_progress", 1, expect(403, {{409, kStreet}})},
      {Fx::SAcc, "resolve", 1, expect(403, {{200, kStreet}})},
      {Fx::SAcc, "request_suspension", 1, expect(403, {{200, kStreet}})},
      {Fx::SAcc, "approve_suspension", 1, expect(403, {{409, "c01.s01.head"}})},
      {Fx::SAcc, "request_extension", 1, expect(403, {{200, kStreet}})},
      {Fx::SAcc, "approve_extension", 1, expect(403, {{409, "c01.s01.head"}})},
      {Fx::SAcc, "open_penalty", 1, expect(403, {{200, kStreet}})},
      {Fx::SAcc, "verify_penalty", 1, expect(403, {{409, kStreet}})},
      {Fx::SAcc, "extend_penalty", 1, expect(403, {{409, "c01.s01.head"}})},
      {Fx::SAcc, "decide_penalty", 1, expect(403, {{409, kStreet}})},
      // Co-signing and review check the state before the unit.
      {Fx::SAcc, "co_sign_street", 1, expect(403, {{409, kHandlersAndHeads}})},
      {Fx::SAcc, "co_sign_housing", 1, expect(403, {{409, kCoSignRoles}})},
      {Fx::SAcc, "submit_review", 1, expect(403, {{409, kOwnerLeads}})},
      {Fx::SAcc, "approve", 1, expect(403, {{409, kReviewers}})},
      {Fx::SAcc, "reject", 1, expect(403, {{409, kReviewers}})},
      {Fx::SAcc, "reopen", 0, expect(403, {{409, kReopeners}})},
      {Fx::SAcc, "record_satisfaction", 0, expect(403, {{409, kHotline}})},

      // -- street office: plan submitted --
      {Fx::SPlan, "report_progress", 1, expect(403, {{200, kStreet}})},
      {Fx::SPlan, "resolve", 1, expect(403, {{200, kStreet}})},
      {Fx::SPlan, "submit_plan", 1, expect(403, {{409, kStreet}})},

      // -- street office: resolved --
      {Fx::SRes, "co_sign_street", 1, expect(403, {{200, kStreet + " c01.s01.m01.handler"}})},
      {Fx::SRes, "co_sign_housing", 1, expect(403, {{200, "c01.dispatcher c01.housing.head"}})},
      {Fx::SRes, "submit_review", 1, expect(403, {{409, kOwnerLeads}})},
      {Fx::SRes, "record_satisfaction", 0, expect(403, {{200, kHotline}})},
      {Fx::SRes, "return", 1, expect(403, {{409, kStreet}})},
      {Fx::SRes, "resolve", 1, expect(403, {{409, kStreet}})},
      {Fx::SRes, "open_penalty", 1, expect(403, {{409, kStreet}})},

      // -- street office: co-signed, under review --
      {Fx::SCoSigned, "submit_review", 1, expect(403, {{200, kOwnerLeads}})},
      {Fx::SCoSigned, "co_sign_street", 1, expect(403, {{409, kHandlersAndHeads}})},
      {Fx::SReview, "approve", 1, expect(403, {{200, "city.reviewer city.head"}})},
      {Fx::SReview, "reject", 1, expect(403, {{200, "city.reviewer city.head"}})},
      {Fx::SReview, "submit_review", 1, expect(403, {{409, kOwnerLeads}})},
      {Fx::SReview, "record_satisfaction", 0, expect(403, {{200, kHotline}})},

      // -- street office: closed --
      {Fx::SClosed, "reopen", 0, expect(403, {{200, kReopeners}})},
      {Fx::SClosed, "record_satisfaction", 0, expect(403, {{200, kHotline}})},
      {Fx::SClosed, "mark_urgent", 0, expect(403, {{409, kMarkers}})},
      {Fx::SClosed, "dispatch", 0, expect(403, {{409, kDispatchers}})},
      {Fx::SClosed, "merge", 0, expect(403, {{409, kDispatchers}})},

      // -- street office: pending requests and penalty --
      {Fx::SSusp, "approve_suspension", 1, expect(403, {{200, "c01.s01.head"}})},
      {Fx::SSusp, "request_suspension", 1, expect(403, {{409, kStreet}})},
      {Fx::SExt, "approve_extension", 1, expect(403, {{200, "c01.s01.head"}})},
      {Fx::SExt, "request_extension", 1, expect(403, {{409, kStreet}})},
      {Fx::SPen, "verify_penalty", 1, expect(403, {{200, kStreet}})},
      {Fx::SPen, "extend_penalty", 1, expect(403, {{200, "c01.s01.head"}})},
      {Fx::SPen, "decide_penalty", 1, expect(403, {{200, kStreet}})},
      {Fx::SPen, "open_penalty", 1, expect(403, {{409, kStreet}})},

      // -- county police (no co-signing; the city police reviews) --
      {Fx::PDisp, "accept", 1, expect(403, {{200, kPolice}})},
      {Fx::PDisp, "return", 1, expect(403, {{200, kPolice}})},
      {Fx::PRes, "submit_review", 1, expect(403, {{200, kPolice}})},
      {Fx::PRes, "co_sign_street", 1, expect(403, {{409, kHandlersAndHeads + " " + kPolice}})},
      {Fx::PRes, "co_sign_housing", 1,
       expect(403, {{409, kCoSignRoles + " city.police.reviewer c01.police.head"}})},
      {Fx::PReview, "approve", 1, expect(403, {{200, "city.police.reviewer"}})},
      {Fx::PReview, "reject", 1, expect(403, {{200, "city.police.reviewer"}})},
      {Fx::PReview, "submit_review", 1, expect(403, {{409, kPolice}})},
  };
  // A closed case takes no assignment-level action from anyone: the state is checked first.
  for (const char* action : kAssignmentActions)
    rows.push_back({Fx::SClosed, action, 1, expect(409)});
  return rows;
}

}  // namespace

// ---- the matrix ---------------------------------------------------------------------------------

// One server and one login per user for the whole matrix (logins cost an Argon2 hash each).
// The parts run in this order because the last one ends every session.
TEST_CASE("permission matrix: every endpoint and workflow action against every role") {
  TestServer s(0);
  Matrix m(s);
  Cases cases(m);

  // ---- workflow actions, in every state ----
  const std::string mergeTarget = cases.make(Fx::Reg);
  for (const ActionRow& row : actionRows()) run(m, cases, row, mergeTarget);

  // ---- every other endpoint ----
  const Expect everyone = expect(200, {}, 200);
  const Expect loggedIn = expect(200);
  const Expect adminOnly = expect(403, {{200, "admin"}});
  const std::string reg = cases.make(Fx::Reg);
  const std::string open = cases.make(Fx::SAcc);
  const std::string closed = cases.make(Fx::SClosed);
  const std::string police = cases.make(Fx::PDisp);
  const std::string cityOwned = cases.make(Fx::CityReg);

  // A user for PATCH /users/{id}.
  rapidjson::Document target =
      m.must("admin", "POST", kApi + "/users",
             std::string(R"({"login":"matrix.target","display_name":"被修改账号",)") +
                 R"("unit_id":"c01.housing","roles":["intake_clerk"],"password":")" +
                 pcs::server::kDemoPassword + R"("})");
  const std::string targetId = target["user"]["id"].GetString();
  int serial = 0;
  auto newUser = [&serial](const Who& w) {
    return R"({"login":"m)" + std::to_string(++serial) + "." + w.login +
           R"(","display_name":"新账号","unit_id":"c01.housing","roles":["handler"],)"
           R"("password":"Matrix-pass-2026"})";
  };

  // Intake: intake_clerk or dispatcher of a property authority (city or county housing), and a
  // county only for its own county (e-1 is in c01, e-6 in c02).
  const Expect intakeC01 = expect(403, {{201, kMarkers}});
  const Expect intakeC02 = expect(403, {{201, "c02.dispatcher city.clerk city.dispatcher"}});

  // Contact (R18): the owning or registering unit, a unit with an open assignment, and the 12345
  // centres for 12345 cases; never oversight; 404 where the case is not visible.
  auto byVisibility = [&](Fx f, int visible, int oversight, int invisible) {
    Expect e = expect(visible);
    for (const Who& w : m.everyone()) {
      if (w.anonymous()) continue;
      if (!visibleTo(f).count(w.login))
        e.named[w.login] = invisible;
      else if (w.oversightOnly)
        e.named[w.login] = oversight;
    }
    return e;
  };
  auto contactRow = [&](Fx f, const std::string& id, const std::string& allowed,
                        std::set<std::string> knownBug = {}) {
    Expect e = byVisibility(f, 403, 403, 404);
    for (const std::string& l : words(allowed)) e.named[l] = 200;
    return Row{"GET", kApi + "/cases/" + id + "/contact?purpose=matrix", nullptr, e, knownBug};
  };
  auto viewRow = [&](Fx f, const std::string& path) {
    return Row{"GET", path, nullptr, byVisibility(f, 200, 200, 404)};
  };
  const std::string owners = "c01.clerk c01.dispatcher c01.housing.head " + kHotline;
  const std::string proposalDeciders =
      "admin city.dispatcher city.reviewer city.head c01.dispatcher c01.housing.head "
      "c02.dispatcher";

  const std::vector<Row> rows = {
      // public
      {"GET", kApi + "/health", nullptr, everyone},
      {"GET", kApi + "/calendar/2025-10-01", nullptr, everyone},
      {"GET", kApi + "/deadline?rule=T1&from=2025-09-30", nullptr, everyone},
      {"GET", kApi + "/rules", nullptr, everyone},
      {"GET", kApi + "/catalogue", nullptr, everyone},
      // session
      {"GET", kApi + "/auth/me", nullptr, loggedIn},
      // accounts
      {"GET", kApi + "/users", nullptr, adminOnly},
      {"POST", kApi + "/users", newUser, expect(403, {{201, "admin"}})},
      {"PATCH", kApi + "/users/" + targetId, fixed(R"({"display_name":"改名后的账号"})"),
       adminOnly},
      {"PATCH", kApi + "/users/u-99999", fixed(R"({"display_name":"无此账号"})"),
       expect(403, {{404, "admin"}})},
      // cases
      {"POST", kApi + "/cases", fixed(intakeBody("e-1", false)), intakeC01},
      {"POST", kApi + "/cases", fixed(intakeBody("e-6", false)), intakeC02},
      {"GET", kApi + "/cases", nullptr, loggedIn},
      {"GET", kApi + "/cases?state=registered&order=due&limit=5", nullptr, loggedIn},
      {"GET", kApi + "/board/counts", nullptr, loggedIn},
      viewRow(Fx::Reg, kApi + "/cases/" + reg),
      viewRow(Fx::PDisp, kApi + "/cases/" + police),
      {"GET", kApi + "/cases/2099-000999", nullptr, expect(404)},
      {"POST", kApi + "/cases/2099-000999/actions", fixed(R"({"action":"accept"})"), expect(404)},
      contactRow(Fx::Reg, reg, owners),
      contactRow(Fx::SAcc, open, owners + " " + kStreet + " c01.s01.intake"),
      contactRow(Fx::SClosed, closed, owners),
      contactRow(Fx::PDisp, police, owners + " " + kPolice + " c01.police.intake"),
      contactRow(Fx::CityReg, cityOwned,
                 "city.clerk city.dispatcher city.reviewer city.head " + kHotline),
      // reference
      {"POST", kApi + "/routing/suggest", fixed(R"({"text":"电梯困人，物业不管"})"), loggedIn},
      {"GET", kApi + "/estates", nullptr, loggedIn},
      {"GET", kApi + "/companies", nullptr, loggedIn},
      {"GET", kApi + "/units", nullptr, loggedIn},
      // exports: any logged-in user, of the cases they see
      {"GET", kApi + "/exports/cases.csv", nullptr, loggedIn},
      {"GET", kApi + "/exports/cases.xlsx?state=registered", nullptr, loggedIn},
      // attachments: the case's visibility; oversight reads only. A JSON body is not the
      // multipart form an upload needs, so those who may upload get 400 and nothing is stored.
      viewRow(Fx::PDisp, kApi + "/cases/" + police + "/attachments"),
      {"POST", kApi + "/cases/" + police + "/attachments", fixed("{}"),
       byVisibility(Fx::PDisp, 400, 403, 404)},
      {"GET", kApi + "/attachments/no-such-file", nullptr, expect(404)},
      // administration: accounts of other systems and the calendar are the administrator's;
      // bodies that fail validation show the role check passed without changing anything.
      {"GET", kApi + "/admin/calendar/arrangements", nullptr, adminOnly},
      {"POST", kApi + "/admin/calendar/arrangements", fixed(""), expect(403, {{400, "admin"}})},
      {"GET", kApi + "/admin/scheduler/runs", nullptr, adminOnly},
      {"GET", kApi + "/admin/api-clients", nullptr, adminOnly},
      {"POST", kApi + "/admin/api-clients", fixed("{}"), expect(403, {{400, "admin"}})},
      {"PATCH", kApi + "/admin/api-clients/no-such-client", fixed("{}"),
       expect(403, {{400, "admin"}})},
      // ledger proposals: dispatcher, unit head or reviewer of a property authority, or admin
      {"GET", kApi + "/admin/proposals", nullptr, expect(403, {{200, proposalDeciders}})},
      {"POST", kApi + "/admin/proposals/999999/decision", fixed(R"({"decision":"confirm"})"),
       expect(403, {{404, proposalDeciders}})},
      // notifications: each unit its own
      {"GET", kApi + "/notifications", nullptr, loggedIn},
      {"POST", kApi + "/notifications/999999/read", fixed(""), expect(404)},
  };
  for (const Row& row : rows) run(m, row);

  // An attachment is downloaded by exactly the users who see its case.
  const std::string png("\x89PNG\r\n\x1a\n matrix", 15);
  Reply up = m.upload("c01.police", kApi + "/cases/" + police + "/attachments", png);
  REQUIRE_MESSAGE(up.status == 201, up.body);
  rapidjson::Document added;
  added.Parse(up.body.c_str());
  run(m, viewRow(Fx::PDisp,
                 kApi + "/attachments/" + std::string(added["attachment"]["id"].GetString())));

  // The view's may_see_contact agrees with the contact endpoint.
  for (const auto& [f, id] : {std::pair{Fx::Reg, reg}, std::pair{Fx::SAcc, open},
                              std::pair{Fx::PDisp, police}, std::pair{Fx::CityReg, cityOwned}})
    for (const Who& w : m.everyone()) {
      if (w.anonymous() || !visibleTo(f).count(w.login)) continue;
      rapidjson::Document v;
      v.Parse(m.send(w, "GET", kApi + "/cases/" + id, "").body.c_str());
      const int contact = m.send(w, "GET", kApi + "/cases/" + id + "/contact", "").status;
      CHECK_MESSAGE(v["may_see_contact"].GetBool() == (contact == 200), id, " as ", w.login,
                    ": may_see_contact disagrees with GET contact (", contact, ")");
    }

  // The case list shows a case to exactly the users who may open it.
  for (const auto& [f, id] : {std::pair{Fx::Reg, reg}, std::pair{Fx::PDisp, police}})
    for (const Who& w : m.everyone()) {
      if (w.anonymous()) continue;
      Reply r = m.send(w, "GET", kApi + "/cases?limit=500", "");
      REQUIRE(r.status == 200);
      const bool listed = r.body.find("\"" + id + "\"") != std::string::npos;
      CHECK_MESSAGE(listed == (visibleTo(f).count(w.login) > 0), "GET /cases as ", w.login,
                    std::string(listed ? " lists " : " does not list "), id);
    }

  // ---- sessions, last as they change them ----
  // Every user may change their own password: the body lacks the new one, so the answer is 400
  // after the session and CSRF checks (and costs no password hashing); one user then really
  // changes it, and this session stays.
  run(m, {"POST", kApi + "/auth/password",
          fixed(std::string(R"({"old_password":")") + pcs::server::kDemoPassword + R"("})"),
          expect(400)});
  m.must("c01.clerk", "POST", kApi + "/auth/password",
         std::string(R"({"old_password":")") + pcs::server::kDemoPassword +
             R"(","new_password":"Matrix-new-2026"})");
  // Everyone logs out (the anonymous client's logout is a harmless 200), and is logged out.
  run(m, {"GET", kApi + "/auth/me", nullptr, loggedIn});
  run(m, {"POST", kApi + "/auth/logout", fixed(""), expect(200, {}, 200)});
  run(m, {"GET", kApi + "/auth/me", nullptr, expect(401)});
}

// Regression: an account whose only role is admin once read the complainant's name and contact
// in clear of every case its unit registered. With the demo data, city.clerk registers a complaint
// (city housing owns it), then `admin` (roles [admin], unit city.housing) sends
//   GET /api/v1/cases/<id>/contact          -> 200 {"name":"矩阵甲","contact":"13800001111"}
//   GET /api/v1/cases/<id>                  -> "may_see_contact": true
//   GET /api/v1/exports/cases.csv           -> the row has 矩阵甲 and 13800001111 in clear
// R18 shows personal data "only to those who must call back". An administrator manages accounts
// and can take no action on a case (every action answers 403), like an oversight-only user, whom
// maySeeContact() (server/case_view.cpp) already refuses. Expected: 403, may_see_contact false.
TEST_CASE("permission matrix: an administrator does not read complainants' contacts") {
  TestServer s(0);
  Matrix m(s);
  Cases cases(m);
  const std::string id = cases.make(Fx::CityReg);
  Reply r = m.send(m.who("admin"), "GET", kApi + "/cases/" + id + "/contact", "");
  CHECK_MESSAGE(r.status == 403, r.body);
  rapidjson::Document v = m.must("admin", "GET", kApi + "/cases/" + id);
  CHECK_FALSE(v["may_see_contact"].GetBool());
  Reply csv = m.send(m.who("admin"), "GET", kApi + "/exports/cases.csv", "");
  CHECK(csv.status == 200);
  CHECK_MESSAGE(csv.body.find("13800001111") == std::string::npos, csv.body);
}
