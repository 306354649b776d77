// Routes of logging in and of accounts:
//   POST  /api/v1/auth/login     {login, password}  -> {user, csrf_token} + session cookie
//   POST  /api/v1/auth/logout                        -> {logged_out: true}, cookie cleared
//   GET   /api/v1/auth/me                            -> {user, csrf_token}
//   POST  /api/v1/auth/password  {old_password, new_password}
//   GET   /api/v1/users                              (admin) -> {users: [...]}
//   POST  /api/v1/users          {login, display_name, unit_id, roles, password}  (admin) -> 201
//   PATCH /api/v1/users/{id}     {display_name?, unit_id?, roles?, active?, password?}  (admin)
// Responses never carry password hashes. Auth does the checks and the auditing.
#include <httplib.h>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "app.h"
#include "auth.h"
#include "json.h"
#include "json_body.h"
#include "pcs/error.h"
#include "routes.h"

namespace pcs::server {
namespace {

constexpr const char* kJsonType = "application/json; charset=utf-8";
constexpr size_t kMaxRoles = 16;

// A user on the wire. `full` adds what only administrators see in the user list.
struct UserJson {
  std::string id, login, displayName, unitId, unitName;
  std::vector<std::string> roles, roleNames;
  bool full = false;
  bool active = true;
  int64_t createdAt = 0, passwordChangedAt = 0;

  template <class Archive>
  void save(Archive& ar) const {
    ar(cereal::make_nvp("id", id), cereal::make_nvp("login", login),
       cereal::make_nvp("display_name", displayName), cereal::make_nvp("unit_id", unitId),
       cereal::make_nvp("unit_name", unitName), cereal::make_nvp("roles", roles),
       cereal::make_nvp("role_names", roleNames));
    if (full)
      ar(cereal::make_nvp("active", active), cereal::make_nvp("created_at", createdAt),
         cereal::make_nvp("password_changed_at", passwordChangedAt));
  }
};

UserJson userJson(App& app, const std::string& id, const std::string& login,
                  const std::string& displayName, const std::string& unitId,
                  const std::vector<Role>& roles) {
  UserJson j;
  j.id = id;
  j.login = login;
  j.displayName = displayName;
  j.unitId = unitId;
  const auto ref = app.reference();
  const OrgUnit* unit = ref->org.find(unitId);
  j.unitName = unit ? unit->name : "";
  for (Role r : roles) {
    j.roles.push_back(roleKey(r));
    j.roleNames.push_back(roleZh(r));
  }
  return j;
}

UserJson userJson(App& app, const CurrentUser& u) {
  return userJson(app, u.id, u.login, u.displayName, u.unitId, u.roles);
}

UserJson userJson(App& app, const UserRecord& u) {
  UserJson j = userJson(app, u.id, u.login, u.displayName, u.unitId, u.roles);
  j.full = true;
  j.active = u.active;
  j.createdAt = u.createdAt;
  j.passwordChangedAt = u.passwordChangedAt;
  return j;
}

// {user, csrf_token}: what login and /me answer. The CSRF token is per session, so the
// response must not be cached.
void sendSession(App& app, const CurrentUser& user, httplib::Response& res) {
  const UserJson j = userJson(app, user);
  res.set_header("Cache-Control", "no-store");
  res.set_content(toJson([&](auto& ar) {
                    ar(cereal::make_nvp("user", j), cereal::make_nvp("csrf_token", user.csrfToken));
                  }),
                  kJsonType);
}

void sendUser(App& app, const UserRecord& user, httplib::Response& res) {
  const UserJson j = userJson(app, user);
  res.set_content(toJson([&](auto& ar) { ar(cereal::make_nvp("user", j)); }), kJsonType);
}

void sendTooMany(const TooManyAttempts& e, httplib::Response& res) {
  res.status = 429;
  res.set_header("Retry-After", std::to_string(e.retryAfter()));
  res.set_content(errorJson(e.what()), kJsonType);
}

ChangeAuthor authorOf(const CurrentUser& u) {
  return ChangeAuthor{u.id, u.unitId};
}

void routeSession(httplib::Server& http, App& app, Auth& auth) {
  http.Post("/api/v1/auth/login", [&](const httplib::Request& req, httplib::Response& res) {
    // No session yet, so no CSRF token: the Origin check and SameSite=Strict guard this one.
    Auth::checkOrigin(req);
    const JsonBody body(req.body);
    const std::string login = body.string("login", 256);
    const std::string password = body.string("password", kMaxPasswordBytes);
    try {
      const LoginResult r = auth.login(login, password, req.remote_addr);
      res.set_header("Set-Cookie", auth.sessionCookie(r.token));
      sendSession(app, r.user, res);
    } catch (const TooManyAttempts& e) {
      sendTooMany(e, res);
    }
  });

  http.Post("/api/v1/auth/logout", [&](const httplib::Request& req, httplib::Response& res) {
    // Logging out of a session that already ended still clears the cookie and succeeds.
    if (auto user = auth.authenticate(req)) {
      Auth::checkCsrf(req, *user);
      auth.logout(*user);
    }
    res.set_header("Set-Cookie", auth.clearedCookie());
    res.set_content(R"({"logged_out":true})", kJsonType);
  });

  http.Get("/api/v1/auth/me", [&](const httplib::Request& req, httplib::Response& res) {
    sendSession(app, auth.requireUser(req, res), res);
  });

  http.Post("/api/v1/auth/password", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req, res);
    const JsonBody body(req.body);
    const std::string oldPassword = body.string("old_password", kMaxPasswordBytes);
    const std::string newPassword = body.string("new_password", kMaxPasswordBytes);
    try {
      auth.changePassword(user, oldPassword, newPassword, req.remote_addr);
    } catch (const TooManyAttempts& e) {
      sendTooMany(e, res);
      return;
    }
    res.set_content(R"({"password_changed":true})", kJsonType);
  });
}

void routeUsers(httplib::Server& http, App& app, Auth& auth) {
  http.Get("/api/v1/users", [&](const httplib::Request& req, httplib::Response& res) {
    auth.requireRole(req, res, Role::Admin);
    std::vector<UserJson> users;
    for (const UserRecord& u : auth.listUsers()) users.push_back(userJson(app, u));
    res.set_content(toJson([&](auto& ar) { ar(cereal::make_nvp("users", users)); }), kJsonType);
  });

  http.Post("/api/v1/users", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser admin = auth.requireRole(req, res, Role::Admin);
    const JsonBody body(req.body);
    NewUser u;
    u.login = body.string("login", kMaxLoginChars * 4);
    u.displayName = body.string("display_name", 400);
    u.unitId = body.string("unit_id", 200);
    if (!body.has("roles")) throw Error(ErrorCode::InvalidInput, "missing field 'roles'");
    u.roles = parseRoles(body.strings("roles", kMaxRoles));
    u.password = body.string("password", kMaxPasswordBytes);
    const UserRecord created = auth.createUser(u, authorOf(admin));
    res.status = 201;
    sendUser(app, created, res);
  });

  http.Patch(R"(/api/v1/users/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser admin = auth.requireRole(req, res, Role::Admin);
    const JsonBody body(req.body);
    UserChange change;
    change.displayName = body.optString("display_name", 400);
    change.unitId = body.optString("unit_id", 200);
    if (body.has("roles")) change.roles = parseRoles(body.strings("roles", kMaxRoles));
    change.active = body.optBoolean("active");
    change.password = body.optString("password", kMaxPasswordBytes);
    if (!change.displayName && !change.unitId && !change.roles && !change.active &&
        !change.password)
      throw Error(ErrorCode::InvalidInput,
                  "nothing to change: send one or more of display_name, unit_id, roles, active, "
                  "password");
    sendUser(app, auth.updateUser(req.matches[1], change, authorOf(admin)), res);
  });
}

}  // namespace

void registerAuthRoutes(httplib::Server& http, App& app, Auth& auth) {
  routeSession(http, app, auth);
  routeUsers(http, app, auth);
}

}  // namespace pcs::server
