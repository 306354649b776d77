// The HTTP side of pcs-bench: logged-in keep-alive clients (httplib::Client, one per thread)
// against a real pcs-server on 127.0.0.1. Every loop is bounded by a deadline and a count.
//
// Sections: sessions | registration load | detail-read load | checking ids | large-db queries
#include <httplib.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "bench.h"

namespace pcs::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kPassword = "demo-2025-pcs";  // every demo account's password
// No worker may run past this many requests, whatever the deadline says.
constexpr int64_t kMaxRequestsPerClient = 2'000'000;

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// User + system CPU seconds of process `pid` so far (fields 14 and 15 of /proc/PID/stat, in
// clock ticks), or -1 when it cannot be read (no pid given, the process is gone).
double cpuSecondsOf(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces; the fields after its closing ')' do not.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

// ---- sessions ---------------------------------------------------------------------------------

struct Session {
  std::string login, cookie, csrf;
};

// Logs in once; retries a 503 (no free Argon2 slot) and a 429 a bounded number of times.
Session login(int port, const std::string& who) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(30, 0);
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto res = c.Post("/api/v1/auth/login",
                      R"({"login":")" + who + R"(","password":")" + kPassword + R"("})",
                      "application/json");
    if (res && res->status == 200) {
      Session s;
      s.login = who;
      const std::string cookie = res->get_header_value("Set-Cookie");
      s.cookie = cookie.substr(0, cookie.find(';'));
      rapidjson::Document d;
      d.Parse(res->body.c_str());
      s.csrf = d["csrf_token"].GetString();
      return s;
    }
    if (res && res->status != 503 && res->status != 429)
      throw std::runtime_error("login " + who + ": HTTP " + std::to_string(res->status) + " " +
                               res->body);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("login " + who + ": gave up after 50 attempts");
}

// The accounts that may register: each county's clerk and dispatcher and the city's.
const std::vector<std::string> kIntakeLogins = {
    "c01.clerk",      "c01.dispatcher", "c02.clerk",      "c02.dispatcher", "c03.clerk",
    "c03.dispatcher", "c04.clerk",      "c04.dispatcher", "city.clerk",     "city.dispatcher"};

std::vector<Session> loginClients(int port, int clients) {
  std::vector<Session> out;
  const auto t0 = Clock::now();
  for (int i = 0; i < clients; ++i)
    out.push_back(login(port, kIntakeLogins[i % kIntakeLogins.size()]));
  std::fprintf(stderr, "logged in %d clients in %.1f s\n", clients, msSince(t0) / 1000);
  return out;
}

struct EstateRef {
  std::string id, county;
};

std::vector<EstateRef> fetchEstates(int port, const Session& s) {
  httplib::Client c("127.0.0.1", port);
  // Every estate of the city, not the picker's default 20 (which may miss a county).
  auto res = c.Get("/api/v1/estates?limit=500", {{"Cookie", s.cookie}});
  if (!res || res->status != 200) throw std::runtime_error("GET /api/v1/estates failed");
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  std::vector<EstateRef> out;
  for (const auto& e : d["estates"].GetArray())
    out.push_back({e["id"].GetString(), e["county_id"].GetString()});
  return out;
}

// "YYYY-MM-DD HH:MM" in Beijing time, one hour ago (the server refuses future times).
std::string receivedAtText() {
  const time_t t = std::time(nullptr) + 8 * 3600 - 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

const char* const kTexts[] = {
    "楼道里堆满纸箱和旧家具，多次找物业没人清理", "电梯经常故障，上周困人半小时物业才来",
    "地下车库一下雨就积水，物业不处理",           "顶楼漏水，物业说维修资金批不下来",
    "小区门禁坏了两个月，外来人员随便进出",       "物业费收费标准和公示的不一致",
};

std::string caseBody(const std::string& estateId, uint32_t n) {
  return R"({"received_at":")" + receivedAtText() +
         R"(","channel":"phone","complainant_name":"压测)" + std::to_string(n % 1000) +
         R"(","complainant_contact":"1390000)" + std::to_string(1000 + n % 9000) +
         R"(","content":")" + kTexts[n % std::size(kTexts)] + "（压测" + std::to_string(n) +
         R"(）","location":")" + std::to_string(1 + n % 12) + R"(号楼","estate_id":")" + estateId +
         R"("})";
}

// ---- registration load ------------------------------------------------------------------------

// Prints the first failures on stderr: which client, its how-many-th request (0 = the first on
// its connection), when in the phase, how long it waited, and what went wrong.
void noteFailure(int client, int64_t n, double atMs, double waitedMs, const httplib::Result& res) {
  static std::atomic<int> printed{0};
  if (printed++ >= 20) return;
  std::fprintf(stderr, "failed: client %d request %lld at %.0f ms after %.0f ms: %s\n", client,
               (long long)n, atMs, waitedMs,
               res ? ("HTTP " + std::to_string(res->status)).c_str()
                   : httplib::to_string(res.error()).c_str());
}

struct WorkerResult {
  int64_t ok = 0, failed = 0;
  std::vector<double> latencies;
  std::vector<std::string> ids;
  std::string firstError;
};

LoadSummary summarise(const std::string& name, std::vector<WorkerResult>& results, double seconds) {
  LoadSummary s;
  s.name = name;
  std::vector<double> all;
  for (auto& r : results) {
    s.ok += r.ok;
    s.failed += r.failed;
    all.insert(all.end(), r.latencies.begin(), r.latencies.end());
    if (s.firstError.empty()) s.firstError = r.firstError;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, size_t(p * all.size()))];
  };
  s.seconds = seconds;
  s.perSecond = seconds > 0 ? s.ok / seconds : 0;
  s.p50 = pct(0.50);
  s.p99 = pct(0.99);
  s.max = all.empty() ? 0 : all.back();
  return s;
}

}  // namespace

LoadSummary registerLoad(const RegisterOptions& o) {
  std::vector<Session> sessions = loginClients(o.port, o.clients);
  const std::vector<EstateRef> estates = fetchEstates(o.port, sessions[0]);
  std::vector<WorkerResult> results(o.clients);
  std::atomic<bool> stop{false};
  std::atomic<bool> killed{false};
  std::mutex idsMutex;
  std::ofstream idsOut;
  if (!o.idsFile.empty()) idsOut.open(o.idsFile, std::ios::trunc);

  const double cpu0 = cpuSecondsOf(o.serverPid);
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::milliseconds(int64_t(o.seconds * 1000));
  std::vector<std::thread> threads;
  for (int i = 0; i < o.clients; ++i) {
    threads.emplace_back([&, i] {
      const Session& s = sessions[i];
      std::vector<std::string> mine;  // estates this account's unit may register
      const std::string county = s.login.substr(0, s.login.find('.'));
      for (const auto& e : estates)
        if (county == "city" || e.county == county) mine.push_back(e.id);
      if (mine.empty()) {
        std::fprintf(stderr, "no estate for %s's county %s; nothing to register\n", s.login.c_str(),
                     county.c_str());
        return;
      }
      httplib::Client c("127.0.0.1", o.port);
      c.set_keep_alive(true);
      // Without it a POST's headers and body wait on each other's delayed ACK: 40 ms each.
      c.set_tcp_nodelay(true);
      c.set_read_timeout(10, 0);
      const httplib::Headers h = {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}};
      WorkerResult& r = results[i];
      for (int64_t n = 0; n < kMaxRequestsPerClient && !stop && Clock::now() < deadline; ++n) {
        const uint32_t tag = uint32_t(i * 1'000'003 + n);
        const auto t = Clock::now();
        auto res =
            c.Post("/api/v1/cases", h, caseBody(mine[tag % mine.size()], tag), "application/json");
        if (res && res->status == 201) {
          r.latencies.push_back(msSince(t));
          ++r.ok;
          const std::string loc = res->get_header_value("Location");
          const std::string id = loc.substr(loc.rfind('/') + 1);
          // Written before the next request: an id in the file was acknowledged.
          std::lock_guard<std::mutex> lock(idsMutex);
          if (idsOut) idsOut << id << '\n' << std::flush;
          r.ids.push_back(id);
        } else {
          ++r.failed;
          if (r.firstError.empty())
            r.firstError =
                res ? "HTTP " + std::to_string(res->status) + " " + res->body.substr(0, 200)
                    : "connection: " + httplib::to_string(res.error());
          noteFailure(i, n, msSince(t0), msSince(t), res);
          if (killed) break;  // the server is gone; stop this client
          if (!res) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    });
  }
  std::thread killer;
  if (o.killPid > 0) {
    killer = std::thread([&] {
      std::this_thread::sleep_until(t0 + std::chrono::milliseconds(int64_t(o.killAfter * 1000)));
      ::kill(o.killPid, SIGKILL);
      killed = true;
      std::fprintf(stderr, "sent SIGKILL to pid %d at %.2f s\n", o.killPid, msSince(t0) / 1000);
    });
  }
  for (auto& t : threads) t.join();
  const double cpu1 = cpuSecondsOf(o.serverPid);
  if (killer.joinable()) killer.join();
  const double elapsed = std::min(msSince(t0), o.killPid > 0 ? o.killAfter * 1000 : 1e18) / 1000;
  LoadSummary out = summarise("register", results, elapsed);
  if (cpu0 >= 0 && cpu1 >= 0) out.serverCpuSeconds = cpu1 - cpu0;
  return out;
}

// ---- detail-read load -------------------------------------------------------------------------

LoadSummary readLoad(const ReadOptions& o) {
  std::vector<Session> sessions = loginClients(o.port, o.clients);
  // Ids each account can see: the first pages of its own list.
  std::map<std::string, std::vector<std::string>> idsOf;
  for (const Session& s : sessions) {
    if (idsOf.count(s.login)) continue;
    httplib::Client c("127.0.0.1", o.port);
    auto res = c.Get("/api/v1/cases?limit=500", {{"Cookie", s.cookie}});
    if (!res || res->status != 200) throw std::runtime_error("GET /api/v1/cases failed");
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    for (const auto& it : d["items"].GetArray()) idsOf[s.login].push_back(it["id"].GetString());
    if (idsOf[s.login].empty()) throw std::runtime_error(s.login + " sees no cases to read");
  }
  std::vector<WorkerResult> results(o.clients);
  const double cpu0 = cpuSecondsOf(o.serverPid);
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::milliseconds(int64_t(o.seconds * 1000));
  std::vector<std::thread> threads;
  for (int i = 0; i < o.clients; ++i) {
    threads.emplace_back([&, i] {
      const Session& s = sessions[i];
      const auto& ids = idsOf[s.login];
      std::mt19937 rng(i);
      httplib::Client c("127.0.0.1", o.port);
      c.set_keep_alive(true);
      // Without it a POST's headers and body wait on each other's delayed ACK: 40 ms each.
      c.set_tcp_nodelay(true);
      c.set_read_timeout(10, 0);
      const httplib::Headers h = {{"Cookie", s.cookie}};
      WorkerResult& r = results[i];
      for (int64_t n = 0; n < kMaxRequestsPerClient && Clock::now() < deadline; ++n) {
        const std::string path = "/api/v1/cases/" + ids[rng() % ids.size()];
        const auto t = Clock::now();
        auto res = c.Get(path.c_str(), h);
        if (res && res->status == 200) {
          r.latencies.push_back(msSince(t));
          ++r.ok;
        } else {
          ++r.failed;
          if (r.firstError.empty())
            r.firstError = res ? "HTTP " + std::to_string(res->status)
                               : "connection: " + httplib::to_string(res.error());
          noteFailure(i, n, msSince(t0), msSince(t), res);
          if (!res) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double cpu1 = cpuSecondsOf(o.serverPid);
  LoadSummary out = summarise("read", results, msSince(t0) / 1000);
  if (cpu0 >= 0 && cpu1 >= 0) out.serverCpuSeconds = cpu1 - cpu0;
  return out;
}

// ---- checking ids -----------------------------------------------------------------------------

CheckSummary checkIds(int port, const std::string& idsFile) {
  std::vector<std::string> ids;
  std::ifstream in(idsFile);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ids.push_back(line);
  // city.head works in the city's housing department, which sees every case.
  const Session s = login(port, "city.head");
  CheckSummary out;
  out.acknowledged = int64_t(ids.size());
  std::atomic<size_t> next{0};
  std::atomic<int64_t> present{0};
  std::mutex missingMutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      for (size_t i; (i = next++) < ids.size();) {
        auto res = c.Get(("/api/v1/cases/" + ids[i]).c_str(), {{"Cookie", s.cookie}});
        if (res && res->status == 200) {
          ++present;
        } else {
          std::lock_guard<std::mutex> lock(missingMutex);
          out.missingIds.push_back(ids[i]);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  out.present = present;
  return out;
}

// ---- large-db queries ---------------------------------------------------------------------------

std::vector<QueryTiming> timeQueries(int port, int runs) {
  struct Q {
    std::string name, login, path;
  };
  const std::vector<Q> queries = {
      {"overdue, by due (city housing)", "city.head",
       "/api/v1/cases?overdue=true&order=due&limit=50"},
      {"c01 open board (c01.dispatcher)", "c01.dispatcher",
       "/api/v1/cases?county=c01&open=true&order=due&limit=50"},
      {"board counts c01 (c01.dispatcher)", "c01.dispatcher", "/api/v1/board/counts?county=c01"},
      {"full text q=漏水 (city housing)", "city.head",
       "/api/v1/cases?q=" + httplib::detail::encode_query_param("漏水") + "&limit=50"},
  };
  std::map<std::string, Session> sessions;
  std::vector<QueryTiming> out;
  for (const Q& q : queries) {
    if (!sessions.count(q.login)) sessions[q.login] = login(port, q.login);
    httplib::Client c("127.0.0.1", port);
    c.set_keep_alive(true);
    c.set_read_timeout(120, 0);
    std::vector<double> ms;
    QueryTiming t;
    t.name = q.name;
    t.path = q.path;
    for (int i = 0; i < runs; ++i) {
      const auto t0 = Clock::now();
      auto res = c.Get(q.path.c_str(), {{"Cookie", sessions[q.login].cookie}});
      ms.push_back(msSince(t0));
      if (!res || res->status != 200) {
        t.error = res ? "HTTP " + std::to_string(res->status) + " " + res->body.substr(0, 200)
                      : "connection failed";
        break;
      }
      if (i == 0) {
        rapidjson::Document d;
        d.Parse(res->body.c_str());
        if (d.HasMember("items")) t.items = int64_t(d["items"].Size());
        t.bytes = int64_t(res->body.size());
      }
    }
    t.firstMs = ms.front();  // the first run, before the page cache is warm
    std::sort(ms.begin(), ms.end());
    t.medianMs = ms[ms.size() / 2];
    t.maxMs = ms.back();
    out.push_back(t);
  }
  return out;
}

std::vector<std::pair<std::string, int64_t>> caseMix(int port) {
  const Session s = login(port, "city.head");
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(120, 0);
  std::vector<std::pair<std::string, int64_t>> out;
  // The total per filter, and the whole count per state once.
  for (const std::string& filter :
       {std::string(), std::string("overdue=true"), std::string("open=true"),
        std::string("county=c01"), std::string("county=c02"), std::string("county=c03"),
        std::string("county=c04")}) {
    auto res = c.Get(("/api/v1/board/counts?" + filter).c_str(), {{"Cookie", s.cookie}});
    if (!res || res->status != 200) throw std::runtime_error("board counts " + filter + " failed");
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    int64_t total = 0;
    for (const auto& m : d["counts"].GetObject()) {
      total += m.value.GetInt64();
      if (filter.empty()) out.push_back({m.name.GetString(), m.value.GetInt64()});
    }
    out.push_back({filter.empty() ? "all" : filter, total});
  }
  return out;
}

}  // namespace pcs::bench
