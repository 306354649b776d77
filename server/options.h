#pragma once
// Server options. Every option has its default here and nowhere else; `pcs-server --help`
// prints them, and docs/operations.md explains them.

#include <string>
#include <vector>

namespace pcs::server {

struct Options {
  std::string host = "127.0.0.1";         // listen address; loopback unless deliberately opened
  int port = 8080;                        // listen port
  std::string dataDir = "data";           // holds pcs.db (SQLite) and attachments
  std::string webRoot = "build-web/web";  // the built browser client and web/ files
  // Worker threads serving requests. A keep-alive connection holds its thread while it stays
  // busy, so there must be more threads than connections in use at once (staff browsers, the
  // 12345 platform), not just more than cores: with 32, the 64-client benchmark left 32
  // clients waiting until they timed out. Idle and slow connections also time out.
  int threads = 128;
  bool demo = true;                 // load demo data into an empty database
  bool synchronousFull = false;     // SQLite synchronous=FULL (survives power loss; slower)
  bool secureCookies = false;       // mark the session cookie Secure (serve behind HTTPS)
  int demoCases = 20000;            // complaints in the demo data (18 months of a city)
  unsigned demoSeed = 20250408;     // the demo data's random seed (same data every time)
  size_t maxBodyBytes = 16u << 20;  // largest request body (attachments included)
};

// Parses argv. Throws std::invalid_argument with a message naming the bad flag.
// Sets `helpRequested` and returns defaults for --help.
Options parseOptions(const std::vector<std::string>& args, bool& helpRequested);
std::string optionsHelp();

}  // namespace pcs::server
