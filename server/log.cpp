#include "log.h"

#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

#include "pcs/date.h"

namespace pcs::server {
namespace {

std::mutex g_logMutex;

void write(const char* level, std::string_view subject, std::string_view message) {
  const std::time_t now = std::time(nullptr);
  char seconds[8];
  std::snprintf(seconds, sizeof seconds, ":%02d", static_cast<int>(now % 60));
  std::string line = pcs::formatCst(now) + seconds;
  line += ' ';
  line += level;
  line += ' ';
  line += subject;
  line += ": ";
  line += message;
  line += '\n';
  std::lock_guard<std::mutex> lock(g_logMutex);
  std::fputs(line.c_str(), stderr);
}

}  // namespace

void logInfo(std::string_view subject, std::string_view message) {
  write("INFO", subject, message);
}
void logWarn(std::string_view subject, std::string_view message) {
  write("WARN", subject, message);
}
void logError(std::string_view subject, std::string_view message) {
  write("ERROR", subject, message);
}

}  // namespace pcs::server
