// pcs-server: parses options, serves until SIGINT or SIGTERM, then stops accepting requests
// and lets requests in flight finish before it exits.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "http_api.h"
#include "log.h"
#include "options.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  int exitCode = 0;
  if (pcs::server::runCommand(args, exitCode)) return exitCode;

  pcs::server::Options options;
  try {
    bool help = false;
    options = pcs::server::parseOptions(args, help);
    if (help) {
      std::fputs(pcs::server::optionsHelp().c_str(), stdout);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pcs-server: %s\n", e.what());
    return 2;
  }

  std::error_code ec;
  std::filesystem::create_directories(options.dataDir, ec);
  if (ec) {
    std::fprintf(stderr, "pcs-server: cannot create data folder %s: %s\n", options.dataDir.c_str(),
                 ec.message().c_str());
    return 1;
  }

  // Signals are taken by one waiting thread, not a handler, so stopping runs in normal code.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  pcs::server::HttpServer server(options);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stopSignals, &sig);
    pcs::server::logInfo("shutdown", std::string("signal ") + std::to_string(sig));
    server.stop();
  });
  waiter.detach();
  return server.run() ? 0 : 1;
}
