#pragma once
// Accounts, passwords, sessions, CSRF protection and login throttling.
//
// Passwords are stored as libsodium Argon2id strings (crypto_pwhash_str). A login opens a
// session: a random token in the HttpOnly cookie `pcs_session`, of which the database keeps
// only the SHA-256, plus a CSRF token the client sends back in `X-CSRF-Token` with every
// state-changing request. Failed logins are counted per login and per client address in
// login_attempts and throttled with 429. Every login, failed login, logout, password change and
// account change is written to the audit log in the same transaction as the change.
//
// Errors: a missing, unknown or expired session throws Unauthorized (the route layer answers
// 401 with what() as the JSON `error`); a failed CSRF or Origin check and a missing role throw
// pcs::Error(Forbidden); bad input throws pcs::Error(InvalidInput); a throttled login throws
// TooManyAttempts (429 with Retry-After); no free hashing slot throws pcs::Error(Unavailable).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <semaphore>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pcs/workflow.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace pcs::server {

class App;

// ---- constants ------------------------------------------------------------------------------

// Argon2id cost. On the 2-core target machine 32 MiB with 6 passes takes about 60 ms (measured
// 50-68 ms), inside the 50-150 ms a login may cost and leaving room for a slower CPU. 32 MiB is
// the most memory one hash may take; kMaxConcurrentHashes bounds how many run at once, so
// password hashing never holds more than 64 MiB of the server's 300 MB budget however many
// logins arrive together (more parallel hashes would not finish sooner on two cores anyway).
inline constexpr unsigned long long kPasswordOpsLimit = 6;
inline constexpr size_t kPasswordMemLimit = size_t{32} << 20;
inline constexpr std::ptrdiff_t kMaxConcurrentHashes = 2;
// A login that cannot get a hashing slot within this time is answered 503 instead of holding a
// worker thread longer (a flood of logins must not take every thread of the server). Two slots
// finish about 160 hashes in this time.
inline constexpr int kHashSlotWaitMs = 5000;

// Password rules (checkPasswordRules). Lengths count characters (Unicode code points), so a
// password typed in Chinese is measured the way its owner counts it.
inline constexpr size_t kMinPasswordChars = 10;
inline constexpr size_t kMaxPasswordBytes = 1024;  // Argon2 reads all of it; bound the input

// Logins: 3-64 characters of [a-z0-9._-]; display names up to 64 characters.
inline constexpr size_t kMinLoginChars = 3;
inline constexpr size_t kMaxLoginChars = 64;
inline constexpr size_t kMaxDisplayNameChars = 64;

// Sessions end after 2 hours without a request and 12 hours after login in any case (a working
// day), whichever comes first.
inline constexpr int64_t kSessionIdleSeconds = 2 * 3600;
inline constexpr int64_t kSessionAbsoluteSeconds = 12 * 3600;
// last_seen_at is written at most this often per session, so an ordinary request only reads.
// The idle timeout is therefore exact to within this interval (a session may end up to a
// minute early, never late).
inline constexpr int64_t kLastSeenWriteSeconds = 60;
// Valid sessions are remembered in memory (session -> user) so a request does not read the
// sessions and users tables each time. Every change this server makes to an account or a session
// (logout, deactivation, password change or reset, role or unit change) empties the memory
// before its answer is sent, so it takes effect at once; an entry is also re-read after this
// many milliseconds, which bounds how long a change made outside this process goes unseen.
inline constexpr int kSessionCacheMs = 2000;
inline constexpr size_t kSessionCacheMaxEntries = 10000;  // emptied whole when full
// Expired session rows are kept this long so their holder is told "expired" rather than "not
// logged in", then removed at a later login.
inline constexpr int64_t kExpiredSessionKeepSeconds = 24 * 3600;

// Throttling: more than 5 failed logins for one login name, or more than 30 from one client
// address, within 15 minutes refuse further attempts until the oldest failures leave the window.
inline constexpr int64_t kThrottleWindowSeconds = 15 * 60;
inline constexpr int kMaxFailuresPerLogin = 5;
inline constexpr int kMaxFailuresPerAddress = 30;
// login_attempts rows older than this are removed (the audit log keeps the history).
inline constexpr int64_t kLoginAttemptKeepSeconds = 30 * 24 * 3600;

inline constexpr const char* kSessionCookieName = "pcs_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

// ---- errors ---------------------------------------------------------------------------------

// No valid session: the request must log in (HTTP 401). what() is shown to the user.
class Unauthorized : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Too many failed logins (HTTP 429); retryAfter is the number of seconds to wait.
class TooManyAttempts : public std::runtime_error {
 public:
  TooManyAttempts(const std::string& message, int64_t retryAfter)
      : std::runtime_error(message), retryAfter_(retryAfter) {}
  int64_t retryAfter() const noexcept { return retryAfter_; }

 private:
  int64_t retryAfter_;
};

// ---- users ----------------------------------------------------------------------------------

// The user behind a request, read from the users table (or the session cache, which every
// change of an account empties), so a changed role or unit takes effect at once.
struct CurrentUser {
  std::string id, login, displayName, unitId;
  std::vector<pcs::Role> roles;
  std::string csrfToken;
  std::string sessionHash;  // the stored SHA-256 (hex) of this session's token

  pcs::Actor actor() const;
  bool has(pcs::Role role) const;
};

// An account as stored, without its password hash.
struct UserRecord {
  std::string id, login, displayName, unitId;
  std::vector<pcs::Role> roles;
  bool active = true;
  int64_t createdAt = 0;
  int64_t passwordChangedAt = 0;
};

struct NewUser {
  std::string id;  // empty: the next free "u-<n>"; demo seeding may give a fixed id
  std::string login;
  std::string displayName;
  std::string unitId;
  std::vector<pcs::Role> roles;
  std::string password;
  // Instead of `password`: an Argon2id string from Auth::hashPassword(), for seeding many
  // accounts that share one password without hashing it for each (the caller has checked the
  // password against checkPasswordRules).
  std::string passwordHash;
};

// A change to an account; absent fields stay as they are.
struct UserChange {
  std::optional<std::string> displayName;
  std::optional<std::string> unitId;
  std::optional<std::vector<pcs::Role>> roles;
  std::optional<bool> active;           // false ends every session of the user
  std::optional<std::string> password;  // an administrator's reset; ends every session
};

// A successful login: the session's cookie token (shown to the client once, never stored).
struct LoginResult {
  CurrentUser user;
  std::string token;
};

// Who made a change, for the audit log: the acting user, or "system" for seeding.
struct ChangeAuthor {
  std::string userId = "system";
  std::string unitId;
};

// ---- the service ----------------------------------------------------------------------------

class Auth {
 public:
  // Calls sodium_init() (once per process) and prepares the dummy hash that unknown logins are
  // verified against. `secureCookies` adds `Secure` to the session cookie (set it when the
  // server is reached over HTTPS).
  explicit Auth(App& app, bool secureCookies = false);

  // -- accounts --
  // Validates and stores a new account; throws pcs::Error(InvalidInput) naming the bad field,
  // Conflict when the login or id is taken. Audited as user.create.
  UserRecord createUser(const NewUser& user, const ChangeAuthor& by);
  // Applies `change`; throws NotFound, InvalidInput, or Conflict when it would leave no active
  // administrator. Deactivation and a password reset end the user's sessions. Audited as
  // user.update with the fields that changed (never the password).
  UserRecord updateUser(const std::string& id, const UserChange& change, const ChangeAuthor& by);
  std::vector<UserRecord> listUsers();
  std::optional<UserRecord> findUser(const std::string& id);

  // -- sessions --
  // Checks the password and opens a session. `address` is the client address for throttling.
  // Throws TooManyAttempts when throttled, Unauthorized with one message for both an unknown
  // login and a wrong password (after the same amount of work), Forbidden for a deactivated
  // account (only once the password was right). Audited as auth.login / auth.login_failed.
  LoginResult login(std::string_view login, std::string_view password, const std::string& address);
  // Ends the session (audited as auth.logout).
  void logout(const CurrentUser& user);
  // Checks the old password (a wrong one counts as a failed login for throttling), applies the
  // rules to the new one, stores it and ends the user's other sessions. Audited.
  void changePassword(const CurrentUser& user, std::string_view oldPassword,
                      std::string_view newPassword, const std::string& address);

  // The user of the request's session cookie, or nullopt when there is none or it expired.
  // Does no CSRF check.
  std::optional<CurrentUser> authenticate(const httplib::Request& req);
  // The user of the request; throws Unauthorized (and tells the browser to drop a dead cookie
  // through `res`) when there is none. For POST, PUT, PATCH and DELETE also checks the CSRF
  // token and the Origin header (checkCsrf).
  CurrentUser requireUser(const httplib::Request& req, httplib::Response& res);
  // The same without clearing a dead cookie (the next login replaces it anyway).
  CurrentUser requireUser(const httplib::Request& req);
  // requireUser plus the role; throws pcs::Error(Forbidden) naming the role when missing.
  CurrentUser requireRole(const httplib::Request& req, httplib::Response& res, pcs::Role role);
  // Throws pcs::Error(Forbidden) when a state-changing request lacks the session's CSRF token
  // or comes from another origin.
  static void checkCsrf(const httplib::Request& req, const CurrentUser& user);
  // Throws pcs::Error(Forbidden) when an Origin header is present and is not this server
  // (http:// or https:// plus the Host header).
  static void checkOrigin(const httplib::Request& req);

  // Set-Cookie values that open and end the session cookie.
  std::string sessionCookie(const std::string& token) const;
  std::string clearedCookie() const;

  // -- passwords --
  // Throws pcs::Error(InvalidInput) saying which rule `password` breaks.
  static void checkPasswordRules(std::string_view login, std::string_view password);
  // Argon2id string with this file's cost; waits for a hashing slot (Unavailable when none
  // frees up within kHashSlotWaitMs).
  std::string hashPassword(std::string_view password);

 private:
  enum class SessionState { None, Unknown, Expired, Valid };
  SessionState lookup(const httplib::Request& req, CurrentUser& out);
  CurrentUser require(const httplib::Request& req, httplib::Response* res);
  // The session cache (kSessionCacheMs): a valid session as last read from the database.
  struct CachedSession {
    CurrentUser user;
    int64_t lastSeen = 0, expiresAt = 0;
    uint64_t generation = 0;  // sessionGeneration_ before the read
    std::chrono::steady_clock::time_point readAt;
  };
  std::optional<CachedSession> cachedSession(const std::string& hash);
  void rememberSession(const std::string& hash, CachedSession entry);
  void noteLastSeen(const std::string& hash, int64_t lastSeen);
  // Called after every committed change of users or sessions: no cached entry is used again.
  void forgetSessions();
  bool verifyPassword(const std::string& hash, std::string_view password);
  void pruneOccasionally(int64_t now);

  App& app_;
  bool secureCookies_;
  std::string dummyHash_;  // verified for unknown logins so they cost what known ones cost
  std::counting_semaphore<kMaxConcurrentHashes> hashSlots_{kMaxConcurrentHashes};
  std::atomic<int64_t> lastPrune_{0};
  std::atomic<uint64_t> sessionGeneration_{0};
  std::mutex sessionCacheMutex_;
  std::unordered_map<std::string, CachedSession> sessionCache_;  // by token hash
};

// Reads and validates role keys ("admin", "handler", ...); throws InvalidInput naming a bad one.
std::vector<pcs::Role> parseRoles(const std::vector<std::string>& keys);
// "intake_clerk,admin" as stored in users.roles.
std::string joinRoles(const std::vector<pcs::Role>& roles);

}  // namespace pcs::server
