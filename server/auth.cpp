// Sections:
//   1. helpers      tokens, hashes, cookies, text checks, roles
//   2. passwords    rules, hashing slots, verification
//   3. throttling   failure counts in login_attempts
//   4. accounts     create, update, list
//   5. sessions     login, logout, password change, request authentication, CSRF
#include "auth.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "app.h"
#include "audit.h"
#include "log.h"
#include "pcs/error.h"

namespace pcs::server {

// ---- 1. helpers -----------------------------------------------------------------------------

namespace {

constexpr size_t kTokenBytes = 32;
const int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCode::InvalidInput, message);
}

// 32 random bytes as base64url without padding (43 characters).
std::string randomToken() {
  unsigned char bytes[kTokenBytes];
  randombytes_buf(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, kBase64Variant);
  return text;
}

const size_t kTokenChars =
    sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1;

std::string sha256Hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

// Compares two secrets in time that does not depend on where they differ.
bool sameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string trimAscii(std::string_view s) {
  const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// The value of cookie `name` in the request's Cookie header(s), if present.
std::optional<std::string> cookieValue(const httplib::Request& req, std::string_view name) {
  const size_t headers = req.get_header_value_count("Cookie");
  for (size_t i = 0; i < headers; ++i) {
    const std::string line = req.get_header_value("Cookie", i);
    size_t pos = 0;
    while (pos <= line.size()) {
      size_t end = line.find(';', pos);
      if (end == std::string::npos) end = line.size();
      const std::string pair = trimAscii(std::string_view(line).substr(pos, end - pos));
      const size_t eq = pair.find('=');
      if (eq != std::string::npos && std::string_view(pair).substr(0, eq) == name)
        return pair.substr(eq + 1);
      pos = end + 1;
    }
  }
  return std::nullopt;
}

// Unicode code points in valid UTF-8 (request bodies are validated as UTF-8 when parsed).
size_t utf8Chars(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The code points of `s` as the byte ranges that encode them.
std::vector<std::string_view> utf8Split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 1; i <= s.size(); ++i) {
    if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      out.push_back(s.substr(start, i - start));
      start = i;
    }
  }
  return out;
}

bool isLoginChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

void checkLogin(const std::string& login) {
  const bool charsOk = std::all_of(login.begin(), login.end(), isLoginChar);
  if (login.size() < kMinLoginChars || login.size() > kMaxLoginChars || !charsOk)
    invalid("登录名须为 " + std::to_string(kMinLoginChars) + "-" + std::to_string(kMaxLoginChars) +
            " 个字符，只能使用小写字母 a-z、数字、点、下划线和连字符（'login' is invalid: '" +
            login.substr(0, 80) + "'）");
}

void checkUserId(const std::string& id) {
  const bool ok = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return isLoginChar(c) || (c >= 'A' && c <= 'Z');
  });
  if (!ok) invalid("用户编号只能使用字母、数字、点、下划线和连字符，最长 64 个字符");
}

std::string checkedDisplayName(std::string_view raw) {
  const std::string name = trimAscii(raw);
  if (name.empty()) invalid("姓名（display_name）不能为空");
  if (utf8Chars(name) > kMaxDisplayNameChars)
    invalid("姓名（display_name）最多 " + std::to_string(kMaxDisplayNameChars) + " 个字符");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F) invalid("姓名（display_name）不能包含控制字符");
  return name;
}

void checkUnit(App& app, const std::string& unitId) {
  const auto ref = app.reference();
  const OrgUnit* unit = ref->org.find(unitId);
  if (!unit) invalid("单位 '" + unitId.substr(0, 80) + "' 不存在（unit_id）");
  if (!unit->active) invalid("单位“" + unit->name + "”（" + unitId + "）已撤销，不能再添加账号");
}

void checkRoles(const std::vector<Role>& roles) {
  if (roles.empty()) invalid("至少需要一个角色（roles）");
}

std::vector<Role> rolesFromStored(const std::string& text, const std::string& userId) {
  std::vector<Role> roles;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    const std::string key = text.substr(pos, end - pos);
    if (auto r = roleFromKey(key)) {
      roles.push_back(*r);
    } else if (!key.empty()) {
      logWarn("user:" + userId, "ignoring unknown stored role '" + key + "'");
    }
    pos = end + 1;
  }
  return roles;
}

bool hasRole(const std::vector<Role>& roles, Role r) {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

const char* const kUserColumns =
    "id, login, display_name, unit_id, roles, active, created_at, password_changed_at";

UserRecord readUser(SQLite::Statement& q) {
  UserRecord u;
  u.id = q.getColumn(0).getString();
  u.login = q.getColumn(1).getString();
  u.displayName = q.getColumn(2).getString();
  u.unitId = q.getColumn(3).getString();
  u.roles = rolesFromStored(q.getColumn(4).getString(), u.id);
  u.active = q.getColumn(5).getInt() != 0;
  u.createdAt = q.getColumn(6).getInt64();
  u.passwordChangedAt = q.getColumn(7).getInt64();
  return u;
}

std::optional<UserRecord> selectUser(SQLite::Database& db, const std::string& id) {
  SQLite::Statement q(db, std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return readUser(q);
}

// The stored credentials of a login.
struct Credentials {
  std::string id, unitId, hash;
  bool active = false;
};

std::optional<Credentials> selectCredentials(SQLite::Database& db, const std::string& column,
                                             const std::string& value) {
  SQLite::Statement q(
      db, "SELECT id, unit_id, password_hash, active FROM users WHERE " + column + " = ?");
  q.bind(1, value);
  if (!q.executeStep()) return std::nullopt;
  return Credentials{q.getColumn(0).getString(), q.getColumn(1).getString(),
                     q.getColumn(2).getString(), q.getColumn(3).getInt() != 0};
}

void audit(SQLite::Database& tx, int64_t at, const std::string& userId, const std::string& unitId,
           const std::string& action, const std::string& subject, const std::string& detail) {
  appendAudit(tx, AuditEntry{at, userId, unitId, action, subject, detail});
}

}  // namespace

std::vector<Role> parseRoles(const std::vector<std::string>& keys) {
  std::vector<Role> roles;
  for (const std::string& key : keys) {
    auto r = roleFromKey(key);
    if (!r) {
      std::string known;
      for (Role k : {Role::IntakeClerk, Role::Dispatcher, Role::Handler, Role::Reviewer,
                     Role::UnitHead, Role::Oversight, Role::Admin})
        known += std::string(known.empty() ? "" : ", ") + roleKey(k);
      invalid("未知角色 '" + key.substr(0, 80) + "'（roles 可用：" + known + "）");
    }
    if (!hasRole(roles, *r)) roles.push_back(*r);
  }
  return roles;
}

std::string joinRoles(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += std::string(out.empty() ? "" : ",") + roleKey(r);
  return out;
}

Actor CurrentUser::actor() const {
  return Actor{id, unitId, roles};
}
bool CurrentUser::has(Role role) const {
  return hasRole(roles, role);
}

// ---- 2. passwords ---------------------------------------------------------------------------

namespace {

// Holds one of the hashing slots for the life of a hash or verification.
class HashSlot {
 public:
  explicit HashSlot(std::counting_semaphore<kMaxConcurrentHashes>& s) : s_(s) {
    if (!s_.try_acquire_for(std::chrono::milliseconds(kHashSlotWaitMs)))
      throw Error(ErrorCode::Unavailable, "登录请求过多，服务器繁忙，请稍后再试");
  }
  ~HashSlot() { s_.release(); }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;

 private:
  std::counting_semaphore<kMaxConcurrentHashes>& s_;
};

}  // namespace

Auth::Auth(App& app, bool secureCookies) : app_(app), secureCookies_(secureCookies) {
  static const int sodiumReady = sodium_init();  // once per process; 1 when already done
  if (sodiumReady < 0) throw std::runtime_error("libsodium could not be initialised");
  dummyHash_ = hashPassword(randomToken());
}

void Auth::checkPasswordRules(std::string_view login, std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    invalid("密码过长：最多 " + std::to_string(kMaxPasswordBytes) + " 字节");
  const size_t chars = utf8Chars(password);
  if (chars < kMinPasswordChars)
    invalid("密码至少需要 " + std::to_string(kMinPasswordChars) + " 个字符（现在是 " +
            std::to_string(chars) + " 个）");
  if (!login.empty() && lowerAscii(password) == lowerAscii(login)) invalid("密码不能与登录名相同");
  const auto points = utf8Split(password);
  if (std::all_of(points.begin(), points.end(), [&](std::string_view p) { return p == points[0]; }))
    invalid("密码不能由同一个字符重复组成");
}

std::string Auth::hashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  HashSlot slot(hashSlots_);
  if (crypto_pwhash_str(out, password.data(), password.size(), kPasswordOpsLimit,
                        kPasswordMemLimit) != 0)
    throw std::runtime_error("password hashing failed (out of memory?)");
  return out;
}

bool Auth::verifyPassword(const std::string& hash, std::string_view password) {
  HashSlot slot(hashSlots_);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// ---- 3. throttling --------------------------------------------------------------------------

namespace {

// Seconds until fewer than `limit` failures of `value` (a login or an address) remain in the
// window, or 0 when the limit is not reached. Attempts refused by throttling are not recorded,
// so waiting always ends the refusal.
int64_t waitFor(SQLite::Database& db, const char* column, const std::string& value, int limit,
                int64_t now) {
  SQLite::Statement q(db, std::string("SELECT at FROM login_attempts WHERE ") + column +
                              " = ? AND at > ? AND ok = 0 ORDER BY at DESC LIMIT 1 OFFSET ?");
  q.bind(1, value);
  q.bind(2, now - kThrottleWindowSeconds);
  q.bind(3, limit - 1);
  if (!q.executeStep()) return 0;
  return std::max<int64_t>(1, q.getColumn(0).getInt64() + kThrottleWindowSeconds - now);
}

int countFailures(SQLite::Database& db, const char* column, const std::string& value, int64_t now) {
  SQLite::Statement q(db, std::string("SELECT COUNT(*) FROM login_attempts WHERE ") + column +
                              " = ? AND at > ? AND ok = 0");
  q.bind(1, value);
  q.bind(2, now - kThrottleWindowSeconds);
  q.executeStep();
  return q.getColumn(0).getInt();
}

// Throws TooManyAttempts when either limit is reached.
void checkThrottle(SQLite::Database& db, const std::string& login, const std::string& address,
                   int64_t now) {
  const int64_t wait = std::max(waitFor(db, "login", login, kMaxFailuresPerLogin, now),
                                waitFor(db, "address", address, kMaxFailuresPerAddress, now));
  if (wait > 0)
    throw TooManyAttempts("登录失败次数过多，请 " + std::to_string((wait + 59) / 60) +
                              " 分钟后再试（too many failed logins; retry after " +
                              std::to_string(wait) + " s）",
                          wait);
}

// Records a failed attempt with its audit entries: the failure itself, and the moment a limit
// is reached (so the log shows when and why logins were refused).
void recordFailure(SQLite::Database& tx, int64_t now, const std::string& login,
                   const std::string& address, const std::string& userId, const std::string& unitId,
                   const std::string& action, const std::string& why) {
  SQLite::Statement ins(tx, "INSERT INTO login_attempts(login, address, at, ok) VALUES(?,?,?,0)");
  ins.bind(1, login);
  ins.bind(2, address);
  ins.bind(3, now);
  ins.exec();
  audit(tx, now, userId, unitId, action, "login:" + login, why + "；来自 " + address);
  const std::string window = std::to_string(kThrottleWindowSeconds / 60);
  if (countFailures(tx, "login", login, now) == kMaxFailuresPerLogin)
    audit(
        tx, now, userId, unitId, "auth.login_locked", "login:" + login,
        window + " 分钟内失败 " + std::to_string(kMaxFailuresPerLogin) + " 次，暂停该登录名的登录");
  if (countFailures(tx, "address", address, now) == kMaxFailuresPerAddress)
    audit(
        tx, now, "", "", "auth.address_locked", "address:" + address,
        window + " 分钟内失败 " + std::to_string(kMaxFailuresPerAddress) + " 次，暂停该地址的登录");
}

}  // namespace

// ---- 4. accounts ----------------------------------------------------------------------------

UserRecord Auth::createUser(const NewUser& in, const ChangeAuthor& by) {
  checkLogin(in.login);
  if (!in.id.empty()) checkUserId(in.id);
  const std::string displayName = checkedDisplayName(in.displayName);
  checkUnit(app_, in.unitId);
  checkRoles(in.roles);
  std::string hash = in.passwordHash;
  if (hash.empty()) {
    checkPasswordRules(in.login, in.password);
    hash = hashPassword(in.password);  // before the write lock: ~60 ms
  } else if (!in.password.empty() || hash.rfind("$argon2id$", 0) != 0) {
    invalid("a new user takes either a password or an Argon2id hash from hashPassword()");
  }

  return app_.db().write([&](SQLite::Database& tx) {
    const int64_t now = app_.now();
    if (selectCredentials(tx, "login", in.login))
      throw Error(ErrorCode::Conflict, "登录名 '" + in.login + "' 已被使用");
    std::string id = in.id;
    if (id.empty()) {
      SQLite::Statement next(tx,
                             "SELECT COALESCE(MAX(CAST(SUBSTR(id, 3) AS INTEGER)), 0) + 1 "
                             "FROM users WHERE id GLOB 'u-[0-9]*'");
      next.executeStep();
      id = "u-" + std::to_string(next.getColumn(0).getInt64());
    } else if (selectCredentials(tx, "id", id)) {
      throw Error(ErrorCode::Conflict, "用户编号 '" + id + "' 已存在");
    }

    SQLite::Statement ins(tx,
                          "INSERT INTO users(id, login, display_name, unit_id, roles, "
                          "password_hash, active, created_at, password_changed_at) "
                          "VALUES(?,?,?,?,?,?,1,?,?)");
    ins.bind(1, id);
    ins.bind(2, in.login);
    ins.bind(3, displayName);
    ins.bind(4, in.unitId);
    ins.bind(5, joinRoles(in.roles));
    ins.bind(6, hash);
    ins.bind(7, now);
    ins.bind(8, now);
    ins.exec();
    audit(tx, now, by.userId, by.unitId, "user.create", "user:" + id,
          "登录名 " + in.login + "，姓名 " + displayName + "，单位 " + in.unitId + "，角色 " +
              joinRoles(in.roles));
    return *selectUser(tx, id);
  });
}

UserRecord Auth::updateUser(const std::string& id, const UserChange& change,
                            const ChangeAuthor& by) {
  // Validate everything first, and hash a new password outside the write lock.
  std::optional<std::string> displayName;
  if (change.displayName) displayName = checkedDisplayName(*change.displayName);
  if (change.unitId) checkUnit(app_, *change.unitId);
  if (change.roles) checkRoles(*change.roles);
  std::optional<std::string> newHash;
  if (change.password) {
    const auto before = selectUser(app_.db().reader(), id);
    if (!before) throw Error(ErrorCode::NotFound, "用户 '" + id + "' 不存在");
    checkPasswordRules(before->login, *change.password);
    newHash = hashPassword(*change.password);
  }

  UserRecord updated = app_.db().write([&](SQLite::Database& tx) {
    const int64_t now = app_.now();
    const auto old = selectUser(tx, id);
    if (!old) throw Error(ErrorCode::NotFound, "用户 '" + id + "' 不存在");
    UserRecord next = *old;
    std::vector<std::string> changes;
    if (displayName && *displayName != old->displayName) {
      next.displayName = *displayName;
      changes.push_back("姓名 " + old->displayName + " → " + next.displayName);
    }
    if (change.unitId && *change.unitId != old->unitId) {
      next.unitId = *change.unitId;
      changes.push_back("单位 " + old->unitId + " → " + next.unitId);
    }
    if (change.roles && joinRoles(*change.roles) != joinRoles(old->roles)) {
      next.roles = *change.roles;
      changes.push_back("角色 " + joinRoles(old->roles) + " → " + joinRoles(next.roles));
    }
    if (change.active && *change.active != old->active) {
      next.active = *change.active;
      changes.push_back(next.active ? "启用账号" : "停用账号（结束其全部会话）");
    }
    if (newHash) changes.push_back("管理员重置密码（结束其全部会话）");
    if (changes.empty()) return next;

    // An organisation without an active administrator could never be administered again.
    const bool wasAdmin = old->active && hasRole(old->roles, Role::Admin);
    const bool staysAdmin = next.active && hasRole(next.roles, Role::Admin);
    if (wasAdmin && !staysAdmin) {
      int others = 0;
      SQLite::Statement q(tx, "SELECT id, roles FROM users WHERE active = 1 AND id != ?");
      q.bind(1, id);
      while (q.executeStep())
        if (hasRole(rolesFromStored(q.getColumn(1).getString(), q.getColumn(0).getString()),
                    Role::Admin))
          ++others;
      if (others == 0)
        throw Error(ErrorCode::Conflict,
                    "这是最后一个启用的系统管理员账号，不能停用或撤销其管理员角色");
    }

    SQLite::Statement upd(tx,
                          "UPDATE users SET display_name = ?, unit_id = ?, roles = ?, active = ? "
                          "WHERE id = ?");
    upd.bind(1, next.displayName);
    upd.bind(2, next.unitId);
    upd.bind(3, joinRoles(next.roles));
    upd.bind(4, next.active ? 1 : 0);
    upd.bind(5, id);
    upd.exec();
    if (newHash) {
      SQLite::Statement pw(
          tx, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?");
      pw.bind(1, *newHash);
      pw.bind(2, now);
      pw.bind(3, id);
      pw.exec();
      next.passwordChangedAt = now;
    }
    if (!next.active || newHash) {
      SQLite::Statement end(tx, "DELETE FROM sessions WHERE user_id = ?");
      end.bind(1, id);
      end.exec();
    }
    std::string detail;
    for (const std::string& c : changes) detail += (detail.empty() ? "" : "；") + c;
    audit(tx, now, by.userId, by.unitId, "user.update", "user:" + id, detail);
    return next;
  });
  forgetSessions();  // deactivation, a reset password or new roles apply from now on
  return updated;
}

std::vector<UserRecord> Auth::listUsers() {
  std::vector<UserRecord> out;
  SQLite::Statement q(app_.db().reader(),
                      std::string("SELECT ") + kUserColumns + " FROM users ORDER BY login");
  while (q.executeStep()) out.push_back(readUser(q));
  return out;
}

std::optional<UserRecord> Auth::findUser(const std::string& id) {
  return selectUser(app_.db().reader(), id);
}

// ---- 5. sessions ----------------------------------------------------------------------------

namespace {
const char* const kBadCredentials = "登录名或密码错误";
}

LoginResult Auth::login(std::string_view rawLogin, std::string_view password,
                        const std::string& address) {
  // Logins are lower case; accept what a user types with Caps Lock or stray spaces.
  const std::string login = lowerAscii(trimAscii(rawLogin));
  if (login.empty()) invalid("请输入登录名（login）");
  if (password.empty()) invalid("请输入密码（password）");
  if (password.size() > kMaxPasswordBytes) throw Unauthorized(kBadCredentials);

  // Refuse before spending a hash on an attempt that would be refused anyway.
  checkThrottle(app_.db().reader(), login, address, app_.now());

  // Unknown and deactivated logins are verified against a dummy hash of the same cost, so the
  // answer takes as long as for a real account.
  const auto cred = selectCredentials(app_.db().reader(), "login", login);
  const bool passwordOk = verifyPassword(cred ? cred->hash : dummyHash_, password) && cred;
  std::optional<std::string> rehash;
  if (passwordOk &&
      crypto_pwhash_str_needs_rehash(cred->hash.c_str(), kPasswordOpsLimit, kPasswordMemLimit) != 0)
    rehash = hashPassword(password);

  enum class Outcome { Ok, BadCredentials, Deactivated };
  LoginResult result;
  bool pruned = false;  // expired sessions were removed
  const Outcome outcome = app_.db().write([&](SQLite::Database& tx) {
    const int64_t now = app_.now();
    // Again under the write lock: attempts that were in flight together must not get past the
    // limit, so a correct guess made while over it is refused too.
    checkThrottle(tx, login, address, now);

    // The account may have changed while the hash ran.
    const auto current = selectCredentials(tx, "login", login);
    const bool ok = passwordOk && current && current->hash == cred->hash;
    if (!ok) {
      recordFailure(tx, now, login, address, current ? current->id : "",
                    current ? current->unitId : "", "auth.login_failed",
                    current ? "密码错误" : "登录名不存在");
      return Outcome::BadCredentials;
    }
    if (!current->active) {
      recordFailure(tx, now, login, address, current->id, current->unitId, "auth.login_failed",
                    "账号已停用");
      return Outcome::Deactivated;
    }

    SQLite::Statement ok1(tx, "INSERT INTO login_attempts(login, address, at, ok) VALUES(?,?,?,1)");
    ok1.bind(1, login);
    ok1.bind(2, address);
    ok1.bind(3, now);
    ok1.exec();
    if (rehash) {
      SQLite::Statement upd(tx, "UPDATE users SET password_hash = ? WHERE id = ?");
      upd.bind(1, *rehash);
      upd.bind(2, current->id);
      upd.exec();
    }

    result.token = randomToken();
    const std::string csrf = randomToken();
    SQLite::Statement ins(tx,
                          "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, "
                          "last_seen_at, expires_at) VALUES(?,?,?,?,?,?)");
    ins.bind(1, sha256Hex(result.token));
    ins.bind(2, current->id);
    ins.bind(3, csrf);
    ins.bind(4, now);
    ins.bind(5, now);
    ins.bind(6, now + kSessionAbsoluteSeconds);
    ins.exec();
    audit(tx, now, current->id, current->unitId, "auth.login", "user:" + current->id,
          "登录成功；来自 " + address + (rehash ? "；密码哈希已按当前参数更新" : ""));

    // Occasional housekeeping, in this transaction because it holds the write lock anyway.
    if (now - lastPrune_.load() >= 3600) {
      lastPrune_ = now;
      pruned = true;
      SQLite::Statement dropSessions(
          tx, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?");
      dropSessions.bind(1, now - kExpiredSessionKeepSeconds);
      dropSessions.bind(2, now - kSessionIdleSeconds - kExpiredSessionKeepSeconds);
      dropSessions.exec();
      SQLite::Statement dropAttempts(tx, "DELETE FROM login_attempts WHERE at <= ?");
      dropAttempts.bind(1, now - kLoginAttemptKeepSeconds);
      dropAttempts.exec();
    }

    const auto user = selectUser(tx, current->id);
    result.user = CurrentUser{user->id,    user->login, user->displayName,      user->unitId,
                              user->roles, csrf,        sha256Hex(result.token)};
    return Outcome::Ok;
  });

  if (pruned) forgetSessions();
  if (outcome == Outcome::BadCredentials) throw Unauthorized(kBadCredentials);
  if (outcome == Outcome::Deactivated)
    throw Error(ErrorCode::Forbidden, "该账号已停用，请联系系统管理员");
  return result;
}

void Auth::logout(const CurrentUser& user) {
  app_.db().write([&](SQLite::Database& tx) {
    SQLite::Statement del(tx, "DELETE FROM sessions WHERE token_hash = ?");
    del.bind(1, user.sessionHash);
    del.exec();
    audit(tx, app_.now(), user.id, user.unitId, "auth.logout", "user:" + user.id, "退出登录");
  });
  forgetSessions();
}

void Auth::changePassword(const CurrentUser& user, std::string_view oldPassword,
                          std::string_view newPassword, const std::string& address) {
  // A wrong old password counts as a failed login: a borrowed session must not become a way
  // to guess the password without limit.
  checkThrottle(app_.db().reader(), user.login, address, app_.now());
  const auto cred = selectCredentials(app_.db().reader(), "id", user.id);
  if (!cred) throw Unauthorized("会话已失效，请重新登录");
  if (oldPassword.size() > kMaxPasswordBytes || !verifyPassword(cred->hash, oldPassword)) {
    app_.db().write([&](SQLite::Database& tx) {
      recordFailure(tx, app_.now(), user.login, address, user.id, user.unitId,
                    "auth.password_change_failed", "修改密码时原密码错误");
    });
    invalid("原密码不正确（old_password）");
  }
  if (newPassword == oldPassword) invalid("新密码不能与原密码相同");
  checkPasswordRules(user.login, newPassword);
  const std::string hash = hashPassword(newPassword);

  app_.db().write([&](SQLite::Database& tx) {
    const int64_t now = app_.now();
    SQLite::Statement upd(
        tx, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?");
    upd.bind(1, hash);
    upd.bind(2, now);
    upd.bind(3, user.id);
    upd.exec();
    // Whoever else holds a session of this account (a forgotten browser, a thief) is out.
    SQLite::Statement end(tx, "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?");
    end.bind(1, user.id);
    end.bind(2, user.sessionHash);
    const int ended = end.exec();
    audit(tx, now, user.id, user.unitId, "auth.password_change", "user:" + user.id,
          "修改密码；结束其他会话 " + std::to_string(ended) + " 个");
  });
  forgetSessions();
}

Auth::SessionState Auth::lookup(const httplib::Request& req, CurrentUser& out) {
  const auto token = cookieValue(req, kSessionCookieName);
  if (!token || token->empty()) return SessionState::None;
  if (token->size() != kTokenChars) return SessionState::Unknown;
  const std::string hash = sha256Hex(*token);
  const int64_t now = app_.now();

  CachedSession entry;
  if (auto cached = cachedSession(hash)) {
    entry = std::move(*cached);
  } else {
    // Read before the database: a change committed after this point bumps the generation, so
    // what is read here is never used once that change has been answered.
    entry.generation = sessionGeneration_.load(std::memory_order_acquire);
    entry.readAt = std::chrono::steady_clock::now();
    CachedStatement q(app_.db().reader(),
                      "SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.login, "
                      "u.display_name, u.unit_id, u.roles, u.active "
                      "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
    q->bind(1, hash);
    if (!q->executeStep() || q->getColumn(8).getInt() == 0) return SessionState::Unknown;
    entry.lastSeen = q->getColumn(2).getInt64();
    entry.expiresAt = q->getColumn(3).getInt64();
    CurrentUser& u = entry.user;
    u.id = q->getColumn(0).getString();
    u.csrfToken = q->getColumn(1).getString();
    u.login = q->getColumn(4).getString();
    u.displayName = q->getColumn(5).getString();
    u.unitId = q->getColumn(6).getString();
    u.roles = rolesFromStored(q->getColumn(7).getString(), u.id);
    u.sessionHash = hash;
    // Remembered whatever the clock says: expiry is checked on every use, as below.
    rememberSession(hash, entry);
  }
  if (now >= entry.expiresAt || now - entry.lastSeen >= kSessionIdleSeconds)
    return SessionState::Expired;
  out = std::move(entry.user);

  if (now - entry.lastSeen >= kLastSeenWriteSeconds) {
    app_.db().write([&](SQLite::Database& tx) {
      SQLite::Statement touch(
          tx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?");
      touch.bind(1, now);
      touch.bind(2, hash);
      touch.bind(3, now);
      touch.exec();
    });
    noteLastSeen(hash, now);
  }
  return SessionState::Valid;
}

std::optional<Auth::CachedSession> Auth::cachedSession(const std::string& hash) {
  const uint64_t generation = sessionGeneration_.load(std::memory_order_acquire);
  const auto oldest = std::chrono::steady_clock::now() - std::chrono::milliseconds(kSessionCacheMs);
  std::lock_guard<std::mutex> lock(sessionCacheMutex_);
  auto it = sessionCache_.find(hash);
  if (it == sessionCache_.end()) return std::nullopt;
  if (it->second.generation != generation || it->second.readAt < oldest) {
    sessionCache_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void Auth::rememberSession(const std::string& hash, CachedSession entry) {
  std::lock_guard<std::mutex> lock(sessionCacheMutex_);
  if (sessionCache_.size() >= kSessionCacheMaxEntries) sessionCache_.clear();
  sessionCache_[hash] = std::move(entry);
}

void Auth::noteLastSeen(const std::string& hash, int64_t lastSeen) {
  std::lock_guard<std::mutex> lock(sessionCacheMutex_);
  auto it = sessionCache_.find(hash);
  if (it != sessionCache_.end() && it->second.lastSeen < lastSeen) it->second.lastSeen = lastSeen;
}

void Auth::forgetSessions() {
  sessionGeneration_.fetch_add(1, std::memory_order_acq_rel);
  std::lock_guard<std::mutex> lock(sessionCacheMutex_);
  sessionCache_.clear();
}

std::optional<CurrentUser> Auth::authenticate(const httplib::Request& req) {
  CurrentUser user;
  if (lookup(req, user) != SessionState::Valid) return std::nullopt;
  return user;
}

CurrentUser Auth::requireUser(const httplib::Request& req, httplib::Response& res) {
  return require(req, &res);
}

CurrentUser Auth::requireUser(const httplib::Request& req) {
  return require(req, nullptr);
}

CurrentUser Auth::require(const httplib::Request& req, httplib::Response* res) {
  CurrentUser user;
  switch (lookup(req, user)) {
    case SessionState::None:
      throw Unauthorized("请先登录");
    case SessionState::Unknown:
      if (res) res->set_header("Set-Cookie", clearedCookie());
      throw Unauthorized("会话已失效，请重新登录");
    case SessionState::Expired:
      if (res) res->set_header("Set-Cookie", clearedCookie());
      throw Unauthorized("会话已过期，请重新登录");
    case SessionState::Valid:
      break;
  }
  const std::string& m = req.method;
  if (m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE") checkCsrf(req, user);
  return user;
}

CurrentUser Auth::requireRole(const httplib::Request& req, httplib::Response& res, Role role) {
  CurrentUser user = requireUser(req, res);
  if (!user.has(role))
    throw Error(ErrorCode::Forbidden,
                std::string("此操作需要“") + roleZh(role) + "”角色（" + roleKey(role) + "）");
  return user;
}

void Auth::checkOrigin(const httplib::Request& req) {
  if (!req.has_header("Origin")) return;
  const std::string origin = lowerAscii(req.get_header_value("Origin"));
  const std::string host = lowerAscii(req.get_header_value("Host"));
  if (host.empty() || (origin != "http://" + host && origin != "https://" + host))
    throw Error(ErrorCode::Forbidden, "拒绝跨站请求：请求来源 " + origin.substr(0, 200) +
                                          " 不是本站（cross-origin request refused）");
}

void Auth::checkCsrf(const httplib::Request& req, const CurrentUser& user) {
  checkOrigin(req);
  if (!req.has_header(kCsrfHeader))
    throw Error(ErrorCode::Forbidden,
                "请求缺少 CSRF 令牌：修改数据的请求须带 X-CSRF-Token 请求头（登录时返回）；"
                "请刷新页面后重试");
  if (!sameSecret(req.get_header_value(kCsrfHeader), user.csrfToken))
    throw Error(ErrorCode::Forbidden, "CSRF 令牌不正确（X-CSRF-Token），请刷新页面后重试");
}

std::string Auth::sessionCookie(const std::string& token) const {
  // No Max-Age: the cookie ends with the browser (shared office computers); the server ends
  // the session itself after the idle and absolute limits.
  return std::string(kSessionCookieName) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" +
         (secureCookies_ ? "; Secure" : "");
}

std::string Auth::clearedCookie() const {
  return std::string(kSessionCookieName) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (secureCookies_ ? "; Secure" : "");
}

}  // namespace pcs::server
