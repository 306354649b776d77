#pragma once
// pcs-bench: the load generator and large-database builder behind tools/bench. It measures a
// running pcs-server from outside (HTTP on 127.0.0.1) and, for the large-database figures,
// writes cases straight into a stopped server's database through CaseStore.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pcs::bench {

// Throughput and latency of one load phase; latencies are of successful requests only.
struct LoadSummary {
  std::string name;
  int64_t ok = 0, failed = 0;
  double seconds = 0, perSecond = 0;
  double p50 = 0, p99 = 0, max = 0;  // milliseconds
  std::string firstError;
  // CPU seconds (user + system) the server process used during the load, when its pid was
  // given; -1 otherwise. Divided by `ok` it is the server's CPU cost per request, a figure that
  // stays comparable when other work shares the machine (wall-clock rates do not).
  double serverCpuSeconds = -1;
};

struct RegisterOptions {
  int port = 0;
  int clients = 64;
  double seconds = 20;
  std::string idsFile;   // every acknowledged (201) case id, one a line, written as it arrives
  int killPid = 0;       // when set: SIGKILL this process (the server we started) ...
  double killAfter = 3;  // ... this many seconds into the load
  int serverPid = 0;     // when set: measure this process's CPU time during the load
};
// 64 clients log in once each (as the demo's intake accounts), then POST /api/v1/cases in a
// loop on keep-alive connections until the time is up or the server is killed.
LoadSummary registerLoad(const RegisterOptions& o);

struct ReadOptions {
  int port = 0;
  int clients = 64;
  double seconds = 20;
  int serverPid = 0;  // when set: measure this process's CPU time during the load
};
// GET /api/v1/cases/{id} of random cases each client's account may see.
LoadSummary readLoad(const ReadOptions& o);

struct CheckSummary {
  int64_t acknowledged = 0, present = 0;
  std::vector<std::string> missingIds;
};
// GETs every id in `idsFile` as city.head (who sees every case).
CheckSummary checkIds(int port, const std::string& idsFile);

struct QueryTiming {
  std::string name, path, error;
  double medianMs = 0, firstMs = 0, maxMs = 0;
  int64_t items = -1, bytes = 0;
};
// The large-database list, board and full-text queries, `runs` times each.
std::vector<QueryTiming> timeQueries(int port, int runs);

// Counts as city.head: per state, then totals for all, overdue=true, open=true, county=c0N.
std::vector<std::pair<std::string, int64_t>> caseMix(int port);

struct GenerateOptions {
  std::string dataDir;  // a data folder already holding the demo city (users, org, estates)
  int cases = 1'000'000;
  int batch = 1000;  // cases per write transaction
};
// Builds realistic cases through the domain's workflow and stores them with CaseStore::insert
// (plus their audit entries). Returns the seconds it took.
double generateCases(const GenerateOptions& o);

}  // namespace pcs::bench
