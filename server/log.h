#pragma once
// One line per event on stderr: time (CST), level, what it concerns, message.

#include <string_view>

namespace pcs::server {

void logInfo(std::string_view subject, std::string_view message);
void logWarn(std::string_view subject, std::string_view message);
void logError(std::string_view subject, std::string_view message);

}  // namespace pcs::server
