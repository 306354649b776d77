// Accounts, sessions, CSRF and throttling through the real HTTP routes: an App on a temporary
// directory, the auth routes on 127.0.0.1 (an ephemeral port) and an httplib client.
// clang-format off
#include "pcs/serialize.h"  // first: configures rapidjson the way cereal does
// clang-format on

#include "auth.h"

#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <sodium.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "app.h"
#include "audit.h"
#include "json.h"
#include "routes.h"

namespace {

using namespace pcs;
using namespace pcs::server;

constexpr int64_t kStart = 1760000000;  // 2025-10-09, a Thursday
const char* const kAdminPassword = "管理员的长密码2025";
const char* const kClerkPassword = "clerk-password-1";

OrgUnit unit(const char* id, const char* name, OrgLevel level, UnitKind kind, const char* parent,
             bool active = true) {
  OrgUnit u;
  u.id = id;
  u.name = name;
  u.level = level;
  u.kind = kind;
  u.parentId = parent;
  u.active = active;
  return u;
}

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

std::string errorOf(const httplib::Result& res) {
  auto d = parse(res->body);
  REQUIRE(d.HasMember("error"));
  return d["error"].GetString();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A logged-in client's credentials.
struct Session {
  std::string cookie;  // "pcs_session=..."
  std::string csrf;
};

class AuthServer {
 public:
  explicit AuthServer(bool secureCookies = false) {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcs-auth-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(dir_);
    Options o;
    o.dataDir = dir_.string();
    o.demo = false;
    app_ = std::make_unique<App>(o);
    app_->setClock([this] { return clock_.load(); });
    seedUnits();
    auth_ = std::make_unique<Auth>(*app_, secureCookies);

    NewUser admin{"u-admin", "admin", "王管理", "city.housing", {Role::Admin}, kAdminPassword, ""};
    auth_->createUser(admin, ChangeAuthor{});
    NewUser clerk{"",
                  "clerk",
                  "李受理",
                  "city.housing",
                  {Role::IntakeClerk, Role::Dispatcher},
                  kClerkPassword,
                  ""};
    clerkId_ = auth_->createUser(clerk, ChangeAuthor{}).id;

    http_.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          // What the lead's handler does with these types.
          try {
            std::rethrow_exception(ep);
          } catch (const Error& e) {
            res.status = pcs::server::httpStatusFor(e.code());
            res.set_content(errorJson(e.what()), "application/json");
          } catch (const Unauthorized& e) {
            res.status = 401;
            res.set_content(errorJson(e.what()), "application/json");
          } catch (const std::exception& e) {
            res.status = 500;
            res.set_content(errorJson(std::string("internal: ") + e.what()), "application/json");
          }
        });
    registerAuthRoutes(http_, *app_, *auth_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    for (int i = 0; i < 500 && !http_.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }
  ~AuthServer() {
    http_.stop();
    thread_.join();
    client_.reset();
    auth_.reset();
    app_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  httplib::Client& client() { return *client_; }
  App& app() { return *app_; }
  Auth& auth() { return *auth_; }
  const std::string& clerkId() const { return clerkId_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void advance(int64_t seconds) { clock_ += seconds; }

  httplib::Result login(const std::string& login, const std::string& password,
                        httplib::Headers headers = {}) {
    const std::string body = "{\"login\":\"" + login + "\",\"password\":\"" + password + "\"}";
    return client_->Post("/api/v1/auth/login", headers, body, "application/json");
  }

  Session loginOk(const std::string& name, const std::string& password) {
    auto res = login(name, password);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const std::string setCookie = res->get_header_value("Set-Cookie");
    Session s;
    s.cookie = setCookie.substr(0, setCookie.find(';'));
    s.csrf = parse(res->body)["csrf_token"].GetString();
    return s;
  }

  // Headers of a same-origin request of session `s` with its CSRF token.
  httplib::Headers as(const Session& s, bool withCsrf = true) const {
    httplib::Headers h{{"Cookie", s.cookie}, {"Origin", origin()}};
    if (withCsrf) h.emplace(kCsrfHeader, s.csrf);
    return h;
  }

  std::vector<std::string> auditActions() {
    std::vector<std::string> out;
    SQLite::Statement q(app_->db().reader(), "SELECT action FROM audit ORDER BY seq");
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }

  void seedUnits() {
    const std::vector<OrgUnit> units = {
        unit("city", "长治市", OrgLevel::City, UnitKind::Area, ""),
        unit("city.housing", "长治市住房和城乡建设局", OrgLevel::City, UnitKind::Department,
             "city"),
        unit("city.oldoffice", "长治市旧办公室", OrgLevel::City, UnitKind::Department, "city",
             false),
        unit("c01", "潞州区", OrgLevel::County, UnitKind::Area, "city"),
    };
    app_->db().write([&](SQLite::Database& tx) {
      for (const OrgUnit& u : units) {
        SQLite::Statement ins(tx,
                              "INSERT INTO units(id, parent_id, data, updated_at) VALUES(?,?,?,?)");
        ins.bind(1, u.id);
        ins.bind(2, u.parentId);
        ins.bind(3, toJsonString(u, "unit"));
        ins.bind(4, kStart);
        ins.exec();
      }
    });
    app_->reloadReference();
  }

  std::filesystem::path dir_;
  std::atomic<int64_t> clock_{kStart};
  std::unique_ptr<App> app_;
  std::unique_ptr<Auth> auth_;
  std::string clerkId_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
};

std::string sha256Hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

TEST_CASE("auth: login returns the user and a CSRF token and sets a strict HttpOnly cookie") {
  AuthServer s;
  auto res = s.login("admin", kAdminPassword);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  auto d = parse(res->body);
  CHECK(std::string(d["user"]["id"].GetString()) == "u-admin");
  CHECK(std::string(d["user"]["login"].GetString()) == "admin");
  CHECK(std::string(d["user"]["display_name"].GetString()) == "王管理");
  CHECK(std::string(d["user"]["unit_id"].GetString()) == "city.housing");
  CHECK(std::string(d["user"]["unit_name"].GetString()) == "长治市住房和城乡建设局");
  REQUIRE(d["user"]["roles"].Size() == 1);
  CHECK(std::string(d["user"]["roles"][0].GetString()) == "admin");
  CHECK(std::string(d["csrf_token"].GetString()).size() == 43);
  CHECK_FALSE(contains(res->body, "argon2"));
  CHECK_FALSE(contains(res->body, "password"));

  const std::string cookie = res->get_header_value("Set-Cookie");
  CHECK(cookie.rfind("pcs_session=", 0) == 0);
  CHECK(contains(cookie, "; HttpOnly"));
  CHECK(contains(cookie, "; SameSite=Strict"));
  CHECK(contains(cookie, "; Path=/"));
  CHECK_FALSE(contains(cookie, "Secure"));

  // Only the SHA-256 of the token is stored.
  const std::string token = cookie.substr(12, cookie.find(';') - 12);
  CHECK(token.size() == 43);
  SQLite::Statement q(s.app().db().reader(), "SELECT token_hash FROM sessions");
  REQUIRE(q.executeStep());
  CHECK(q.getColumn(0).getString() == sha256Hex(token));
  CHECK(q.getColumn(0).getString() != token);

  // Logins are matched without regard to case or surrounding spaces.
  CHECK(s.login(" ADMIN ", kAdminPassword)->status == 200);
}

TEST_CASE("auth: the Secure cookie flag is added when the server asks for it") {
  AuthServer s(true);
  auto res = s.login("admin", kAdminPassword);
  REQUIRE(res->status == 200);
  CHECK(contains(res->get_header_value("Set-Cookie"), "; Secure"));
  CHECK(contains(s.auth().clearedCookie(), "; Secure"));
  CHECK(contains(s.auth().clearedCookie(), "Max-Age=0"));
}

TEST_CASE("auth: a wrong password and an unknown login get the same answer after the same work") {
  AuthServer s;
  auto t0 = std::chrono::steady_clock::now();
  auto wrong = s.login("admin", "not-the-password");
  auto t1 = std::chrono::steady_clock::now();
  auto unknown = s.login("nobody", "not-the-password");
  auto t2 = std::chrono::steady_clock::now();
  REQUIRE(wrong);
  REQUIRE(unknown);
  CHECK(wrong->status == 401);
  CHECK(unknown->status == 401);
  CHECK(errorOf(wrong) == errorOf(unknown));
  CHECK(errorOf(wrong) == "登录名或密码错误");
  CHECK(wrong->get_header_value("Set-Cookie").empty());
  // The unknown login ran a full Argon2id verification too (about 60 ms each).
  using ms = std::chrono::milliseconds;
  CHECK(std::chrono::duration_cast<ms>(t1 - t0).count() >= 20);
  CHECK(std::chrono::duration_cast<ms>(t2 - t1).count() >= 20);

  SQLite::Statement q(s.app().db().reader(),
                      "SELECT COUNT(*) FROM login_attempts WHERE ok = 0 AND address = '127.0.0.1'");
  q.executeStep();
  CHECK(q.getColumn(0).getInt() == 2);
}

TEST_CASE("auth: /me answers the session's user, and 401 without a valid cookie") {
  AuthServer s;
  auto none = s.client().Get("/api/v1/auth/me");
  CHECK(none->status == 401);
  CHECK(errorOf(none) == "请先登录");

  auto bogus =
      s.client().Get("/api/v1/auth/me", {{"Cookie", "pcs_session=" + std::string(43, 'A')}});
  CHECK(bogus->status == 401);
  CHECK(contains(errorOf(bogus), "重新登录"));
  CHECK(contains(bogus->get_header_value("Set-Cookie"), "Max-Age=0"));

  const Session clerk = s.loginOk("clerk", kClerkPassword);
  auto me = s.client().Get("/api/v1/auth/me", {{"Cookie", "theme=dark; " + clerk.cookie}});
  REQUIRE(me->status == 200);
  auto d = parse(me->body);
  CHECK(std::string(d["user"]["login"].GetString()) == "clerk");
  CHECK(std::string(d["user"]["id"].GetString()) == s.clerkId());
  CHECK(d["user"]["roles"].Size() == 2);
  CHECK(std::string(d["user"]["role_names"][0].GetString()) == "受理登记员");
  CHECK(std::string(d["csrf_token"].GetString()) == clerk.csrf);

  const auto user = s.auth().authenticate([&] {
    httplib::Request req;
    req.headers.emplace("Cookie", clerk.cookie);
    return req;
  }());
  REQUIRE(user);
  CHECK(user->has(Role::Dispatcher));
  CHECK_FALSE(user->has(Role::Admin));
  CHECK(user->actor().unitId == "city.housing");
}

TEST_CASE("auth: state-changing requests need the session's CSRF token and this origin") {
  AuthServer s;
  const Session admin = s.loginOk("admin", kAdminPassword);
  const std::string path = "/api/v1/users/" + s.clerkId();
  const std::string body = R"({"display_name":"李受理员"})";

  auto missing = s.client().Patch(path, s.as(admin, false), body, "application/json");
  CHECK(missing->status == 403);
  CHECK(contains(errorOf(missing), "X-CSRF-Token"));

  auto headers = s.as(admin, false);
  headers.emplace(kCsrfHeader, std::string(43, 'x'));
  auto wrong = s.client().Patch(path, headers, body, "application/json");
  CHECK(wrong->status == 403);
  CHECK(contains(errorOf(wrong), "CSRF 令牌不正确"));

  headers = s.as(admin);
  headers.erase("Origin");
  headers.emplace("Origin", "http://evil.example");
  auto cross = s.client().Patch(path, headers, body, "application/json");
  CHECK(cross->status == 403);
  CHECK(contains(errorOf(cross), "跨站"));

  // Nothing was changed by the refused requests.
  CHECK(s.auth().findUser(s.clerkId())->displayName == "李受理");

  auto ok = s.client().Patch(path, s.as(admin), body, "application/json");
  CHECK(ok->status == 200);
  CHECK(s.auth().findUser(s.clerkId())->displayName == "李受理员");
  // Without an Origin header (non-browser clients) the token alone is enough.
  headers = s.as(admin);
  headers.erase("Origin");
  CHECK(
      s.client().Patch(path, headers, R"({"display_name":"李受理"})", "application/json")->status ==
      200);

  // A login from another origin is refused before any password is checked.
  auto login = s.login("admin", kAdminPassword, {{"Origin", "https://evil.example"}});
  CHECK(login->status == 403);
  CHECK(s.login("admin", kAdminPassword, {{"Origin", s.origin()}})->status == 200);

  // Logout is state-changing too.
  CHECK(s.client().Post("/api/v1/auth/logout", s.as(admin, false), "", "text/plain")->status ==
        403);
}

TEST_CASE("auth: logout ends the session and clears the cookie") {
  AuthServer s;
  const Session clerk = s.loginOk("clerk", kClerkPassword);
  auto out = s.client().Post("/api/v1/auth/logout", s.as(clerk), "", "text/plain");
  REQUIRE(out->status == 200);
  CHECK(contains(out->get_header_value("Set-Cookie"), "pcs_session=;"));
  CHECK(contains(out->get_header_value("Set-Cookie"), "Max-Age=0"));
  auto me = s.client().Get("/api/v1/auth/me", s.as(clerk));
  CHECK(me->status == 401);
  // A second logout of the dead session still succeeds.
  CHECK(s.client().Post("/api/v1/auth/logout", s.as(clerk), "", "text/plain")->status == 200);
}

TEST_CASE(
    "auth: after 5 failures a login is refused with 429 and Retry-After; others still log in") {
  AuthServer s;
  for (int i = 0; i < kMaxFailuresPerLogin; ++i) {
    s.advance(10);
    CHECK(s.login("clerk", "wrong-password-" + std::to_string(i))->status == 401);
  }
  auto locked = s.login("clerk", kClerkPassword);  // even the right password
  REQUIRE(locked);
  CHECK(locked->status == 429);
  const int retry = std::stoi(locked->get_header_value("Retry-After"));
  CHECK(retry == kThrottleWindowSeconds - 40);  // the first failure was 40 s before
  CHECK(contains(errorOf(locked), "分钟后再试"));

  CHECK(s.login("admin", kAdminPassword)->status == 200);

  s.advance(retry - 1);
  CHECK(s.login("clerk", kClerkPassword)->status == 429);
  s.advance(1);
  CHECK(s.login("clerk", kClerkPassword)->status == 200);

  const auto actions = s.auditActions();
  CHECK(std::count(actions.begin(), actions.end(), "auth.login_locked") == 1);
  CHECK(std::count(actions.begin(), actions.end(), "auth.login_failed") == 5);
}

TEST_CASE("auth: more than 30 failures from one address refuse every login from it") {
  AuthServer s;
  for (int i = 0; i < kMaxFailuresPerAddress; ++i)
    REQUIRE(s.login("guess" + std::to_string(i / kMaxFailuresPerLogin), "wrong-password")->status ==
            401);
  auto res = s.login("admin", kAdminPassword);
  CHECK(res->status == 429);
  CHECK(std::stoi(res->get_header_value("Retry-After")) == kThrottleWindowSeconds);
  s.advance(kThrottleWindowSeconds);
  CHECK(s.login("admin", kAdminPassword)->status == 200);
  const auto actions = s.auditActions();
  CHECK(std::count(actions.begin(), actions.end(), "auth.address_locked") == 1);
}

TEST_CASE("auth: sessions expire after 2 idle hours, and 12 hours after login in any case") {
  AuthServer s;
  const Session idle = s.loginOk("clerk", kClerkPassword);
  const Session busy = s.loginOk("admin", kAdminPassword);

  s.advance(kSessionIdleSeconds - 120);
  CHECK(s.client().Get("/api/v1/auth/me", s.as(busy))->status == 200);
  s.advance(120);
  auto expired = s.client().Get("/api/v1/auth/me", s.as(idle));
  CHECK(expired->status == 401);
  CHECK(errorOf(expired) == "会话已过期，请重新登录");
  CHECK(contains(expired->get_header_value("Set-Cookie"), "Max-Age=0"));

  // Used every hour, the admin's session lives until 12 hours after login, not longer.
  for (int64_t t = 2 * 3600; t < kSessionAbsoluteSeconds; t += 3600) {
    CHECK(s.client().Get("/api/v1/auth/me", s.as(busy))->status == 200);
    s.advance(3600);
  }
  auto over = s.client().Get("/api/v1/auth/me", s.as(busy));
  CHECK(over->status == 401);
  CHECK(errorOf(over) == "会话已过期，请重新登录");
  // Expired sessions cannot be used for writes either.
  CHECK(s.client().Post("/api/v1/auth/password", s.as(busy), "{}", "application/json")->status ==
        401);
}

TEST_CASE("auth: last_seen_at is written at most once a minute per session") {
  AuthServer s;
  const Session clerk = s.loginOk("clerk", kClerkPassword);
  auto lastSeen = [&] {
    SQLite::Statement q(s.app().db().reader(), "SELECT last_seen_at FROM sessions");
    REQUIRE(q.executeStep());
    return q.getColumn(0).getInt64();
  };
  CHECK(lastSeen() == kStart);
  s.advance(30);
  CHECK(s.client().Get("/api/v1/auth/me", s.as(clerk))->status == 200);
  CHECK(lastSeen() == kStart);
  s.advance(31);
  CHECK(s.client().Get("/api/v1/auth/me", s.as(clerk))->status == 200);
  CHECK(lastSeen() == kStart + 61);
}

TEST_CASE("auth: deactivating a user ends their sessions and refuses their login") {
  AuthServer s;
  const Session admin = s.loginOk("admin", kAdminPassword);
  const Session clerk = s.loginOk("clerk", kClerkPassword);
  const std::string path = "/api/v1/users/" + s.clerkId();

  auto off = s.client().Patch(path, s.as(admin), R"({"active":false})", "application/json");
  REQUIRE(off->status == 200);
  CHECK_FALSE(parse(off->body)["user"]["active"].GetBool());
  CHECK(s.client().Get("/api/v1/auth/me", s.as(clerk))->status == 401);

  auto refused = s.login("clerk", kClerkPassword);
  CHECK(refused->status == 403);
  CHECK(contains(errorOf(refused), "已停用"));
  // A wrong password reveals nothing about the account's state.
  CHECK(errorOf(s.login("clerk", "wrong-password")) == "登录名或密码错误");

  CHECK(s.client().Patch(path, s.as(admin), R"({"active":true})", "application/json")->status ==
        200);
  CHECK(s.login("clerk", kClerkPassword)->status == 200);

  // The last active administrator cannot lock everybody out.
  auto self = s.client().Patch("/api/v1/users/u-admin", s.as(admin), R"({"active":false})",
                               "application/json");
  CHECK(self->status == 409);
  auto demote = s.client().Patch("/api/v1/users/u-admin", s.as(admin), R"({"roles":["handler"]})",
                                 "application/json");
  CHECK(demote->status == 409);
  CHECK(s.client()
            .Patch("/api/v1/users/u-nobody", s.as(admin), R"({"active":false})", "application/json")
            ->status == 404);
}

TEST_CASE("auth: user administration is refused to non-administrators with 403") {
  AuthServer s;
  const Session clerk = s.loginOk("clerk", kClerkPassword);
  auto list = s.client().Get("/api/v1/users", s.as(clerk));
  CHECK(list->status == 403);
  CHECK(contains(errorOf(list), "系统管理员"));
  const std::string newUser =
      R"({"login":"handler1","display_name":"赵承办","unit_id":"c01","roles":["handler"],)"
      R"("password":"handler-password-1"})";
  CHECK(s.client().Post("/api/v1/users", s.as(clerk), newUser, "application/json")->status == 403);
  CHECK(s.client()
            .Patch("/api/v1/users/u-admin", s.as(clerk), R"({"active":false})", "application/json")
            ->status == 403);
  CHECK(s.client().Get("/api/v1/users")->status == 401);
}

TEST_CASE("auth: administrators list and create users; bad fields are 400s naming the field") {
  AuthServer s;
  const Session admin = s.loginOk("admin", kAdminPassword);
  auto post = [&](const std::string& body) {
    return s.client().Post("/api/v1/users", s.as(admin), body, "application/json");
  };
  auto created = post(R"({"login":"handler1","display_name":" 赵承办 ","unit_id":"c01",)"
                      R"("roles":["handler","reviewer"],)"
                      R"("password":"handler-password-1"})");
  REQUIRE(created->status == 201);
  auto d = parse(created->body);
  CHECK(std::string(d["user"]["id"].GetString()) == "u-2");
  CHECK(std::string(d["user"]["display_name"].GetString()) == "赵承办");
  CHECK(std::string(d["user"]["unit_name"].GetString()) == "潞州区");
  CHECK(d["user"]["active"].GetBool());
  CHECK(s.login("handler1", "handler-password-1")->status == 200);

  auto list = s.client().Get("/api/v1/users", s.as(admin));
  REQUIRE(list->status == 200);
  CHECK(parse(list->body)["users"].Size() == 3);
  CHECK_FALSE(contains(list->body, "argon2"));
  CHECK_FALSE(contains(list->body, "hash"));

  const std::string pw = R"("password":"long-enough-pw")";
  auto dup = post(
      R"({"login":"handler1","display_name":"甲","unit_id":"c01","roles":["handler"],)" + pw + "}");
  CHECK(dup->status == 409);
  auto badLogin = post(R"({"login":"Zhao San","display_name":"甲","unit_id":"c01",)"
                       R"("roles":["handler"],)" +
                       pw + "}");
  CHECK(badLogin->status == 400);
  CHECK(contains(errorOf(badLogin), "登录名"));
  auto badUnit = post(
      R"({"login":"zhao","display_name":"甲","unit_id":"c99","roles":["handler"],)" + pw + "}");
  CHECK(badUnit->status == 400);
  CHECK(contains(errorOf(badUnit), "c99"));
  auto oldUnit = post(R"({"login":"zhao","display_name":"甲","unit_id":"city.oldoffice",)"
                      R"("roles":["handler"],)" +
                      pw + "}");
  CHECK(oldUnit->status == 400);
  CHECK(contains(errorOf(oldUnit), "已撤销"));
  auto badRole =
      post(R"({"login":"zhao","display_name":"甲","unit_id":"c01","roles":["boss"],)" + pw + "}");
  CHECK(badRole->status == 400);
  CHECK(contains(errorOf(badRole), "boss"));
  auto noRoles =
      post(R"({"login":"zhao","display_name":"甲","unit_id":"c01","roles":[],)" + pw + "}");
  CHECK(noRoles->status == 400);
  CHECK(contains(errorOf(noRoles), "角色"));
  auto noName = post(R"({"login":"zhao","display_name":"  ","unit_id":"c01","roles":["handler"],)" +
                     pw + "}");
  CHECK(noName->status == 400);
  CHECK(contains(errorOf(noName), "display_name"));
  auto weak = post(R"({"login":"zhao","display_name":"甲","unit_id":"c01","roles":["handler"],)"
                   R"("password":"short"})");
  CHECK(weak->status == 400);
  CHECK(contains(errorOf(weak), "10"));
  auto nothing = s.client().Patch("/api/v1/users/u-2", s.as(admin), R"({"displayName":"x"})",
                                  "application/json");
  CHECK(nothing->status == 400);
  CHECK(contains(errorOf(nothing), "display_name"));
}

TEST_CASE("auth: seeding may share one precomputed hash between accounts") {
  AuthServer s;
  const std::string hash = s.auth().hashPassword("shared-demo-password");
  for (const char* login : {"demo.one", "demo.two"}) {
    NewUser u{"", login, "演示用户", "c01", {Role::Handler}, "", hash};
    s.auth().createUser(u, ChangeAuthor{});
  }
  CHECK(s.login("demo.one", "shared-demo-password")->status == 200);
  CHECK(s.login("demo.two", "shared-demo-password")->status == 200);
  NewUser bad{"", "demo.three", "演示用户", "c01", {Role::Handler}, "", "plain-text"};
  CHECK_THROWS_AS(s.auth().createUser(bad, ChangeAuthor{}), Error);
}

TEST_CASE("auth: password rules reject short, login-equal and one-character passwords") {
  CHECK_THROWS_WITH_AS(Auth::checkPasswordRules("clerk", "abc123"), doctest::Contains("10"), Error);
  CHECK_THROWS_WITH_AS(Auth::checkPasswordRules("clerk.zhang", "Clerk.Zhang"),
                       doctest::Contains("登录名"), Error);
  CHECK_THROWS_WITH_AS(Auth::checkPasswordRules("clerk", "aaaaaaaaaaaa"),
                       doctest::Contains("同一个字符"), Error);
  CHECK_THROWS_WITH_AS(Auth::checkPasswordRules("clerk", "密密密密密密密密密密"),
                       doctest::Contains("同一个字符"), Error);
  // Characters, not bytes: nine Chinese characters are 27 bytes but still too short.
  CHECK_THROWS_AS(Auth::checkPasswordRules("clerk", "我的密码是很长的吗"), Error);
  CHECK_NOTHROW(Auth::checkPasswordRules("clerk", "我的密码是真的很长的"));
  CHECK_NOTHROW(Auth::checkPasswordRules("clerk", "clerk-password"));
}

TEST_CASE("auth: changing the password needs the old one and ends the other sessions") {
  AuthServer s;
  const Session here = s.loginOk("clerk", kClerkPassword);
  const Session elsewhere = s.loginOk("clerk", kClerkPassword);
  auto change = [&](const std::string& body) {
    return s.client().Post("/api/v1/auth/password", s.as(here), body, "application/json");
  };
  auto wrongOld = change(R"({"old_password":"not-my-password","new_password":"new-password-22"})");
  CHECK(wrongOld->status == 400);
  CHECK(contains(errorOf(wrongOld), "原密码不正确"));
  auto same = change(R"({"old_password":"clerk-password-1","new_password":"clerk-password-1"})");
  CHECK(same->status == 400);
  auto shortPw = change(R"({"old_password":"clerk-password-1","new_password":"short"})");
  CHECK(shortPw->status == 400);
  CHECK(contains(errorOf(shortPw), "至少需要 10 个字符"));
  auto asLogin = change(R"({"old_password":"clerk-password-1","new_password":"clerkclerk"})");
  CHECK(asLogin->status == 200);  // "clerkclerk" is not the login itself

  auto ok = change(R"({"old_password":"clerkclerk","new_password":"新的密码已经足够长了吧"})");
  CHECK(ok->status == 200);
  CHECK(s.client().Get("/api/v1/auth/me", s.as(here))->status == 200);
  CHECK(s.client().Get("/api/v1/auth/me", s.as(elsewhere))->status == 401);
  CHECK(s.login("clerk", kClerkPassword)->status == 401);
  CHECK(s.login("clerk", "新的密码已经足够长了吧")->status == 200);

  // An administrator's reset ends every session of the user.
  const Session admin = s.loginOk("admin", kAdminPassword);
  CHECK(s.client()
            .Patch("/api/v1/users/" + s.clerkId(), s.as(admin),
                   R"({"password":"reset-by-admin-1"})", "application/json")
            ->status == 200);
  CHECK(s.client().Get("/api/v1/auth/me", s.as(here))->status == 401);
  CHECK(s.login("clerk", "reset-by-admin-1")->status == 200);
}

TEST_CASE("auth: a hash with older parameters is replaced at the next login") {
  AuthServer s;
  char weak[crypto_pwhash_STRBYTES];
  REQUIRE(crypto_pwhash_str(weak, kClerkPassword, std::strlen(kClerkPassword), 2, 8u << 20) == 0);
  s.app().db().write([&](SQLite::Database& tx) {
    SQLite::Statement upd(tx, "UPDATE users SET password_hash = ? WHERE login = 'clerk'");
    upd.bind(1, std::string(weak));
    upd.exec();
  });
  CHECK(s.login("clerk", kClerkPassword)->status == 200);
  SQLite::Statement q(s.app().db().reader(), "SELECT password_hash FROM users WHERE login='clerk'");
  REQUIRE(q.executeStep());
  const std::string stored = q.getColumn(0).getString();
  CHECK(stored != weak);
  CHECK(contains(stored, "m=32768,t=6"));
  q.reset();
  CHECK(s.login("clerk", kClerkPassword)->status == 200);
}

TEST_CASE("auth: logins, failures, logouts, password and user changes are audited") {
  AuthServer s;
  const Session admin = s.loginOk("admin", kAdminPassword);
  CHECK(s.login("admin", "wrong-password")->status == 401);
  CHECK(s.login("ghost", "wrong-password")->status == 401);
  const Session clerk = s.loginOk("clerk", kClerkPassword);
  CHECK(s.client()
            .Post("/api/v1/auth/password", s.as(clerk),
                  R"({"old_password":"clerk-password-1","new_password":"clerk-password-2"})",
                  "application/json")
            ->status == 200);
  CHECK(s.client()
            .Patch("/api/v1/users/" + s.clerkId(), s.as(admin),
                   R"({"roles":["handler"],"unit_id":"c01"})", "application/json")
            ->status == 200);
  CHECK(s.client().Post("/api/v1/auth/logout", s.as(admin), "", "text/plain")->status == 200);

  const std::vector<std::string> expected = {
      "user.create",          "user.create",       "auth.login",
      "auth.login_failed",    "auth.login_failed", "auth.login",
      "auth.password_change", "user.update",       "auth.logout"};
  CHECK(s.auditActions() == expected);

  SQLite::Statement q(s.app().db().reader(),
                      "SELECT user_id, subject, detail FROM audit WHERE action = 'user.update'");
  REQUIRE(q.executeStep());
  CHECK(q.getColumn(0).getString() == "u-admin");
  CHECK(q.getColumn(1).getString() == "user:" + s.clerkId());
  CHECK(contains(q.getColumn(2).getString(), "intake_clerk,dispatcher → handler"));
  CHECK(contains(q.getColumn(2).getString(), "city.housing → c01"));
  q.reset();

  // No password in any form reaches the log.
  SQLite::Statement all(s.app().db().reader(), "SELECT detail FROM audit");
  while (all.executeStep()) {
    const std::string detail = all.getColumn(0).getString();
    CHECK_FALSE(contains(detail, "password-"));
    CHECK_FALSE(contains(detail, "argon2"));
  }
  all.reset();
  const AuditVerification v = verifyAudit(s.app().db().reader());
  CHECK(v.ok);
  CHECK(v.checked == 9);
}

TEST_CASE("auth: bad JSON bodies are 400s that say what was wrong") {
  AuthServer s;
  auto notJson = s.client().Post("/api/v1/auth/login", "login=admin", "application/json");
  CHECK(notJson->status == 400);
  CHECK(contains(errorOf(notJson), "not valid JSON"));
  auto empty = s.client().Post("/api/v1/auth/login", "", "application/json");
  CHECK(empty->status == 400);
  auto noPassword =
      s.client().Post("/api/v1/auth/login", R"({"login":"admin"})", "application/json");
  CHECK(noPassword->status == 400);
  CHECK(contains(errorOf(noPassword), "'password'"));
  auto wrongType =
      s.client().Post("/api/v1/auth/login", R"({"login":7,"password":"x"})", "application/json");
  CHECK(wrongType->status == 400);
  CHECK(contains(errorOf(wrongType), "'login' must be a string"));
  auto blank =
      s.client().Post("/api/v1/auth/login", R"({"login":" ","password":"x"})", "application/json");
  CHECK(blank->status == 400);

  const Session admin = s.loginOk("admin", kAdminPassword);
  auto rolesText =
      s.client().Post("/api/v1/users", s.as(admin),
                      R"({"login":"zhao","display_name":"甲","unit_id":"c01","roles":"handler",)"
                      R"("password":"long-enough-pw"})",
                      "application/json");
  CHECK(rolesText->status == 400);
  CHECK(contains(errorOf(rolesText), "'roles'"));
  auto activeText = s.client().Patch("/api/v1/users/" + s.clerkId(), s.as(admin),
                                     R"({"active":"no"})", "application/json");
  CHECK(activeText->status == 400);
  CHECK(contains(errorOf(activeText), "'active' must be true or false"));
  // Malformed bodies record no failed login and write nothing else.
  SQLite::Statement q(s.app().db().reader(), "SELECT COUNT(*) FROM login_attempts WHERE ok = 0");
  q.executeStep();
  CHECK(q.getColumn(0).getInt() == 0);
}

TEST_CASE("auth: concurrent logins hold at most two password hashes in memory") {
  AuthServer s;
  auto statusKb = [](const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
    return 0L;
  };
  // Writing 5 to clear_refs resets the peak (VmHWM) to the current resident size.
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const long before = statusKb("VmRSS:");
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&] {
      httplib::Client c("127.0.0.1", std::stoi(s.origin().substr(s.origin().rfind(':') + 1)));
      auto res = c.Post("/api/v1/auth/login", R"({"login":"clerk","password":"clerk-password-1"})",
                        "application/json");
      if (res && res->status == 200) ++ok;
    });
  for (auto& t : clients) t.join();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  const long grownKb = statusKb("VmHWM:") - before;
  MESSAGE("8 concurrent logins: " << ms << " ms, peak grew by " << grownKb / 1024 << " MiB");
  CHECK(ok.load() == 8);
  // Two slots of kPasswordMemLimit each, plus a little for buffers; eight parallel hashes
  // would take 256 MiB.
  CHECK(grownKb < 80 * 1024);
}
