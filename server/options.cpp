#include "options.h"

#include <stdexcept>

namespace pcs::server {
namespace {

int parsePort(const std::string& flag, const std::string& v) {
  size_t used = 0;
  int n = -1;
  try {
    n = std::stoi(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || n < 0 || n > 65535)
    throw std::invalid_argument(flag + " wants a number from 0 to 65535, got '" + v + "'");
  return n;
}

}  // namespace

Options parseOptions(const std::vector<std::string>& args, bool& helpRequested) {
  Options o;
  helpRequested = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      helpRequested = true;
    } else if (a == "--host") {
      o.host = value();
    } else if (a == "--port") {
      o.port = parsePort(a, value());
    } else if (a == "--data") {
      o.dataDir = value();
    } else if (a == "--web-root") {
      o.webRoot = value();
    } else if (a == "--threads") {
      o.threads = parsePort(a, value());
      if (o.threads < 1) throw std::invalid_argument("--threads must be at least 1");
    } else if (a == "--empty") {
      o.demo = false;
    } else if (a == "--sync-full") {
      o.synchronousFull = true;
    } else if (a == "--secure-cookies") {
      o.secureCookies = true;
    } else if (a == "--demo-cases") {
      o.demoCases = parsePort(a, value());
    } else {
      throw std::invalid_argument("unknown option '" + a + "' (see --help)");
    }
  }
  return o;
}

std::string optionsHelp() {
  Options d;
  return "pcs-server: 物业投诉转办处置系统 server\n"
         "usage: pcs-server [options]          serve\n"
         "       pcs-server backup FILE [--data DIR]\n"
         "       pcs-server restore FILE [--data DIR]   (with the server stopped)\n"
         "       pcs-server verify-audit [--data DIR]\n"
         "  --host ADDR      listen address (default " +
         d.host +
         ")\n"
         "  --port N         listen port (default " +
         std::to_string(d.port) +
         ")\n"
         "  --data DIR       data folder with pcs.db (default " +
         d.dataDir +
         ")\n"
         "  --web-root DIR   built browser client (default " +
         d.webRoot +
         ")\n"
         "  --threads N      worker threads (default " +
         std::to_string(d.threads) +
         ")\n"
         "  --empty          start without demo data\n"
         "  --demo-cases N   complaints in the demo data (default " +
         std::to_string(d.demoCases) +
         ")\n"
         "  --sync-full      SQLite synchronous=FULL: survive power loss, slower writes\n"
         "  --secure-cookies mark the session cookie Secure (when served over HTTPS)\n";
}

}  // namespace pcs::server
