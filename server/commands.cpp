#include "commands.h"

#include <cstdio>
#include <filesystem>

#include "audit.h"
#include "data_lock.h"
#include "db.h"
#include "options.h"

namespace pcs::server {
namespace {

struct CommandArgs {
  std::string file;
  std::string dataDir = Options{}.dataDir;
};

CommandArgs parse(const std::vector<std::string>& args, bool wantFile) {
  CommandArgs a;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--data" && i + 1 < args.size())
      a.dataDir = args[++i];
    else if (wantFile && a.file.empty() && args[i].rfind("--", 0) != 0)
      a.file = args[i];
    else
      throw std::invalid_argument("unexpected argument '" + args[i] + "'");
  }
  if (wantFile && a.file.empty()) throw std::invalid_argument(args[0] + " needs a FILE");
  return a;
}

std::string dbPath(const CommandArgs& a) {
  return a.dataDir + "/pcs.db";
}

void requireDatabase(const CommandArgs& a) {
  if (!std::filesystem::exists(dbPath(a)))
    throw std::runtime_error("no database at " + dbPath(a) + " (see --data)");
}

}  // namespace

bool runCommand(const std::vector<std::string>& args, int& exitCode) {
  if (args.empty()) return false;
  const std::string& name = args[0];
  if (name != "backup" && name != "restore" && name != "verify-audit") return false;
  try {
    if (name == "backup") {
      const CommandArgs a = parse(args, true);
      requireDatabase(a);
      Database db(DbOptions{dbPath(a)});
      db.backupTo(a.file);
      std::printf("backup written to %s\n", a.file.c_str());
    } else if (name == "restore") {
      const CommandArgs a = parse(args, true);
      // A server still running on the folder would keep writing to the file being replaced.
      if (!DataLock(a.dataDir).held())
        throw std::invalid_argument("a pcs-server is running on " + a.dataDir +
                                    "; stop it before restoring");
      restoreBackup(a.file, dbPath(a));
      std::printf("restored %s from %s\n", dbPath(a).c_str(), a.file.c_str());
    } else {
      const CommandArgs a = parse(args, false);
      requireDatabase(a);
      Database db(DbOptions{dbPath(a)});
      const AuditVerification v = verifyAudit(db.reader());
      std::printf("%s\n", v.message.c_str());
      exitCode = v.ok ? 0 : 3;
      return true;
    }
    exitCode = 0;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "pcs-server %s: %s\n", name.c_str(), e.what());
    exitCode = 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pcs-server %s: %s\n", name.c_str(), e.what());
    exitCode = 1;
  }
  return true;
}

}  // namespace pcs::server
