#pragma once
// Importing a county's existing complaint ledger (导入台账, issue #6): the clerk picks an .xlsx or
// .csv file in the browser, the server reads it (POST /imports) and answers the header row it
// found, the field it proposes for each column and the first rows converted; the clerk changes
// what the server guessed wrong (a combo box per column, 不导入 for none), tries the import
// (dry run) and runs it (POST /imports/{id}/run). The report lists every data row as imported
// (its case number opens the case), skipped as a duplicate (with the case it matches) or failed
// (with the reason). docs/api.md, "Ledger files".
//
// The browser's file picker and the file's bytes are reached through a few EM_JS functions in
// import_screen.cpp; the bytes then go to the server through Net like every other request.

#include <cstdint>
#include <string>
#include <vector>

#include "json_util.h"
#include "navigator.h"
#include "session.h"

namespace pcs::client {

class ImportScreen {
 public:
  void draw(Session& session, Navigator& nav, float scale);

 private:
  struct Field {
    std::string key, label;
  };
  struct Column {
    std::string letter, header;
    int field = -1;  // index into fields_; -1: not imported
  };
  struct PreviewRow {
    int64_t row = 0;
    std::string receivedAt, name, content, estate, company, channel;
    std::string status, message;  // status: ok, error or skip
  };
  struct NameMatch {
    std::string kind, spelling, id, name, rows;
  };
  struct NameMerge {
    std::string kind, spellings, rows, message;
  };
  enum class Outcome { Imported, Skipped, Failed };
  struct ReportRow {
    int64_t row = 0;
    Outcome outcome = Outcome::Failed;
    std::string caseId, text;
  };
  struct Report {
    bool present = false, dryRun = false, stored = false;
    int64_t imported = 0, skipped = 0, failed = 0, valid = 0, rows = 0;
    std::vector<ReportRow> lines;  // by row number
    std::string emptyRows;
  };
  enum class Tab { Preview, Names, Report };

  // A file chosen in the browser's picker, once its bytes are read: uploaded at once.
  void pollChosenFile(Session& session);
  void upload(Session& session, const std::string& name, std::string bytes);
  // GET /imports/{id} with another sheet or header row.
  void reread(Session& session, const std::string& sheet, int64_t headerRow);
  void readView(const JsonValue& view);
  void readNames(const JsonValue& names);
  void run(Session& session, Navigator& nav, bool dryRun);
  void readReport(const JsonValue& answer);

  void drawToolbar(Session& session, float scale);
  void drawMapping(Session& session, Navigator& nav, float scale);
  void drawPreview(float scale);
  void drawNames(float scale);
  void drawReport(Navigator& nav, float scale);
  // Sets column `column` to field `field` (-1: none); a column that held it before lets go.
  void assign(size_t column, int field);
  bool mapped(const char* key) const;

  // The upload
  std::string uploadId_, fileName_, format_, encoding_, sheet_, expiresAt_;
  std::vector<std::string> sheets_;
  int64_t headerRow_ = 0, dataRows_ = 0;
  int headerRowInput_ = 0;
  std::string emptyRows_;
  std::vector<Field> fields_;
  std::vector<Column> columns_;
  std::vector<PreviewRow> preview_;
  std::vector<NameMatch> matched_;
  std::vector<NameMerge> merges_;
  bool mappingEdited_ = false;  // the preview shows the server's proposal, not the clerk's

  // The run
  int defaultChannel_ = -1;  // index into the channel list; -1: none
  bool allOrNothing_ = false;
  Report report_;
  int reportFilter_ = 0;  // 0 all, then by Outcome + 1
  Tab tab_ = Tab::Preview;

  // Requests: answers for an older file are dropped.
  uint64_t generation_ = 0;
  bool waitingForFile_ = false;
  bool busy_ = false;
  std::string busyText_;
  std::string error_, notice_;
};

}  // namespace pcs::client
