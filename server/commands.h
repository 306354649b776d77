#pragma once
// Maintenance commands of pcs-server, run instead of serving:
//   pcs-server backup FILE [--data DIR]     online backup of DIR/pcs.db into a new FILE
//   pcs-server restore FILE [--data DIR]    replace DIR/pcs.db with a checked backup (server
//   stopped) pcs-server verify-audit [--data DIR]    recompute the audit log's hash chain

#include <string>
#include <vector>

namespace pcs::server {

// True when args[0] names a command; then `exitCode` is set and the command has run.
bool runCommand(const std::vector<std::string>& args, int& exitCode);

}  // namespace pcs::server
