#include "options.h"

#include <fstream>
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

bool isSwitch(const std::string& key) {
  return key == "empty" || key == "sync-full" || key == "secure-cookies";
}

// The command-line flags a config file stands for: `key = value` is `--key value`; a switch
// takes true or false; `demo = false` is `--empty`.
std::vector<std::string> configAsFlags(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot read config file " + path);
  std::vector<std::string> flags;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = path + " line " + std::to_string(number) + ": ";
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    auto trim = [](std::string s) {
      const size_t b = s.find_first_not_of(" \t\r");
      const size_t e = s.find_last_not_of(" \t\r");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    line = trim(line);
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) throw std::invalid_argument(where + "expected 'key = value'");
    std::string key = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    if (key == "demo") {
      if (value != "true" && value != "false")
        throw std::invalid_argument(where + "demo takes true or false");
      if (value == "false") flags.push_back("--empty");
      continue;
    }
    if (key == "config" || key == "help")
      throw std::invalid_argument(where + "'" + key + "' is not a setting");
    if (isSwitch(key)) {
      if (value != "true" && value != "false")
        throw std::invalid_argument(where + key + " takes true or false");
      if (value == "true") flags.push_back("--" + key);
    } else {
      flags.push_back("--" + key);
      flags.push_back(value);
    }
  }
  return flags;
}

}  // namespace

Options parseOptions(const std::vector<std::string>& commandLine, bool& helpRequested) {
  // A config file's settings come first, so flags on the command line win over it.
  std::vector<std::string> args;
  for (size_t i = 0; i < commandLine.size(); ++i)
    if (commandLine[i] == "--config") {
      if (i + 1 >= commandLine.size()) throw std::invalid_argument("--config needs a file");
      for (std::string& f : configAsFlags(commandLine[i + 1])) args.push_back(std::move(f));
    }
  for (size_t i = 0; i < commandLine.size(); ++i) {
    if (commandLine[i] == "--config") {
      ++i;
      continue;
    }
    args.push_back(commandLine[i]);
  }

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
    } else if (a == "--demo-seed") {
      const std::string v = value();
      if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("--demo-seed needs a number of up to 9 digits, got '" + v +
                                    "'");
      o.demoSeed = static_cast<unsigned>(std::stoul(v));
    } else {
      throw std::invalid_argument("unknown option '" + a + "' (see --help)");
    }
  }
  return o;
}

std::string optionsHelp() {
  Options d;
  return "pcs-server: 物业投诉转办处置系统 server\n"
         "usage: pcs-server [--config FILE] [options]   serve\n"
         "       pcs-server backup FILE [--data DIR]\n"
         "       pcs-server restore FILE [--data DIR]   (with the server stopped)\n"
         "       pcs-server verify-audit [--data DIR]\n"
         "  --config FILE    settings as 'key = value' lines, keys named like the flags below\n"
         "                   (switches take true/false, 'demo = false' is --empty); flags win\n"
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
         "  --demo-seed N    the demo data's random seed (default " +
         std::to_string(d.demoSeed) +
         "; the same seed and day give the same data)\n"
         "  --sync-full      SQLite synchronous=FULL: survive power loss, slower writes\n"
         "  --secure-cookies mark the session cookie Secure (when served over HTTPS)\n";
}

}  // namespace pcs::server
