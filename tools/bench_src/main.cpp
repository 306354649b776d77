// pcs-bench command line. tools/bench drives it; each command prints one "key=value ..." line
// on stdout for the script to read, and progress on stderr.
//
//   pcs-bench register --port P [--clients 64] [--seconds 20] [--ids FILE]
//                      [--kill-pid PID --kill-after 3] [--server-pid PID]
//   pcs-bench read     --port P [--clients 64] [--seconds 20] [--server-pid PID]
// --server-pid: also report the server's CPU time during the load and per request.
//   pcs-bench check    --port P --ids FILE
//   pcs-bench queries  --port P [--runs 20]
//   pcs-bench mix      --port P               (case counts by state, overdue, county)
//   pcs-bench generate --data DIR [--cases 1000000] [--batch 1000]
#include <cstdio>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>

#include "bench.h"

namespace {

// --flag value pairs after the command.
std::map<std::string, std::string> flags(int argc, char** argv) {
  std::map<std::string, std::string> out;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k.rfind("--", 0) != 0) throw std::invalid_argument("expected --flag, got " + k);
    out[k.substr(2)] = argv[i + 1];
  }
  return out;
}

std::string get(const std::map<std::string, std::string>& f, const std::string& k,
                const std::string& fallback) {
  auto it = f.find(k);
  return it == f.end() ? fallback : it->second;
}

void printLoad(const pcs::bench::LoadSummary& s) {
  std::printf(
      "%s ok=%lld failed=%lld seconds=%.2f per_second=%.1f p50_ms=%.2f p99_ms=%.2f "
      "max_ms=%.2f",
      s.name.c_str(), (long long)s.ok, (long long)s.failed, s.seconds, s.perSecond, s.p50, s.p99,
      s.max);
  // The server's CPU time per answered request, in microseconds (with --server-pid).
  if (s.serverCpuSeconds >= 0 && s.ok > 0)
    std::printf(" server_cpu_s=%.2f cpu_us_per_req=%.0f", s.serverCpuSeconds,
                s.serverCpuSeconds * 1e6 / double(s.ok));
  std::printf("\n");
  if (!s.firstError.empty()) std::fprintf(stderr, "first error: %s\n", s.firstError.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: pcs-bench register|read|check|queries|generate --flag value ...\n", stderr);
    return 2;
  }
  const std::string cmd = argv[1];
  try {
    const auto f = flags(argc, argv);
    const int port = std::stoi(get(f, "port", "0"));
    if (cmd == "register") {
      pcs::bench::RegisterOptions o;
      o.port = port;
      o.clients = std::stoi(get(f, "clients", "64"));
      o.seconds = std::stod(get(f, "seconds", "20"));
      o.idsFile = get(f, "ids", "");
      o.killPid = std::stoi(get(f, "kill-pid", "0"));
      o.killAfter = std::stod(get(f, "kill-after", "3"));
      o.serverPid = std::stoi(get(f, "server-pid", "0"));
      printLoad(pcs::bench::registerLoad(o));
    } else if (cmd == "read") {
      pcs::bench::ReadOptions o;
      o.port = port;
      o.clients = std::stoi(get(f, "clients", "64"));
      o.seconds = std::stod(get(f, "seconds", "20"));
      o.serverPid = std::stoi(get(f, "server-pid", "0"));
      printLoad(pcs::bench::readLoad(o));
    } else if (cmd == "check") {
      const auto c = pcs::bench::checkIds(port, get(f, "ids", ""));
      std::printf("check acknowledged=%lld present=%lld missing=%zu\n", (long long)c.acknowledged,
                  (long long)c.present, c.missingIds.size());
      for (size_t i = 0; i < c.missingIds.size() && i < 20; ++i)
        std::fprintf(stderr, "missing: %s\n", c.missingIds[i].c_str());
      return c.missingIds.empty() ? 0 : 1;
    } else if (cmd == "queries") {
      for (const auto& q : pcs::bench::timeQueries(port, std::stoi(get(f, "runs", "20")))) {
        std::printf(
            "query median_ms=%.2f first_ms=%.2f max_ms=%.2f items=%lld bytes=%lld "
            "name=%s\n",
            q.medianMs, q.firstMs, q.maxMs, (long long)q.items, (long long)q.bytes, q.name.c_str());
        if (!q.error.empty()) std::fprintf(stderr, "%s: %s\n", q.name.c_str(), q.error.c_str());
      }
    } else if (cmd == "mix") {
      std::printf("mix");
      for (const auto& [k, v] : pcs::bench::caseMix(port))
        std::printf(" %s=%lld", k.c_str(), (long long)v);
      std::printf("\n");
    } else if (cmd == "generate") {
      pcs::bench::GenerateOptions o;
      o.dataDir = get(f, "data", "");
      o.cases = std::stoi(get(f, "cases", "1000000"));
      o.batch = std::stoi(get(f, "batch", "1000"));
      const double s = pcs::bench::generateCases(o);
      std::printf("generate cases=%d seconds=%.1f per_second=%.0f\n", o.cases, s, o.cases / s);
    } else {
      std::fprintf(stderr, "unknown command %s\n", cmd.c_str());
      return 2;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pcs-bench %s: %s\n", cmd.c_str(), e.what());
    return 1;
  }
  return 0;
}
