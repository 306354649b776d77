#pragma once
// Grade-review and exit procedures on the server (R11, R12): storage of pcs::Procedure, opening
// one (from the API or a confirmed ledger proposal, the same code path), the notifications each
// step sends, the scheduler's reminders, and the estates' service-grade history.
//
// A procedure is stored whole as JSON in procedures.data (pcs/serialize.h); kind, state, stage,
// county, company, estate and the current statutory due date are copied into columns for lists.
// Every write runs inside the caller's Database::write transaction, with its audit entries
// (procedure.<action> on "procedure:<id>" and on "company:<id>") and notifications, so a refused
// or failed step stores nothing.
//
// Who reads a procedure (mayReadProcedure):
//   property authorities (dispatcher, unit head, reviewer) and administrators: the city's all,
//   a county's its own county's; oversight users likewise (the city's all, a county's its own);
//   the county's development and reform and market regulation units: its grade reviews;
//   the estate's street office and community: the procedures of their estates.
// Who acts is the engine's business (pcs/procedure.h).

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app.h"
#include "auth.h"
#include "pcs/procedure.h"

namespace pcs::server {

struct StoredProcedure {
  Procedure value;
  int64_t version = 0;
};

class ProcedureStore {
 public:
  static std::optional<StoredProcedure> load(SQLite::Database& db, int64_t id);
  // Inserts `p` under the next free id (set in p.id); version 1.
  static void insert(SQLite::Database& tx, Procedure& p, int64_t now);
  // Rewrites `p` if it is still at `expectedVersion`; returns the new version. Throws
  // Conflict when someone else changed it meanwhile.
  static int64_t update(SQLite::Database& tx, const Procedure& p, int64_t expectedVersion,
                        int64_t now);
  // The open procedure of `kind` for the estate, if any.
  static std::optional<int64_t> openFor(SQLite::Database& db, const std::string& estateId,
                                        ProcedureKind kind);
  // True when one of the company's estates has an open procedure of `kind`.
  static bool companyHasOpen(SQLite::Database& db, const std::string& companyId,
                             ProcedureKind kind);
};

// An estate's current service grade: the latest re-rating, else its company's grade ("" when
// neither is known).
std::string currentEstateGrade(SQLite::Database& db, const std::string& estateId);

// What opens a procedure. With a proposal, it must be open, of a matching rule (grade_review or
// regrade for a grade review, exit for an exit) and about the estate's company; it is confirmed
// in the same transaction and its evidence copied into the procedure.
struct OpenProcedureRequest {
  ProcedureKind kind = ProcedureKind::GradeReview;
  std::string estateId;
  std::string reason;      // may be empty with a proposal: its explanation is used
  int64_t proposalId = 0;  // 0: none
  std::string note;        // the decision note stored on the proposal
};

// Opens the procedure inside `tx` and returns its id. Throws pcs::Error: NotFound (estate or
// proposal missing or out of the user's scope), InvalidInput, Forbidden, Conflict (an open
// procedure of the kind exists for the estate; the proposal was decided already).
int64_t openProcedureIn(SQLite::Database& tx, const Reference& ref, const CurrentUser& user,
                        const OpenProcedureRequest& request, int64_t now);

// Writes the audit entries, notifications and (for a regrade) the estate's new grade for the
// last event of `p`, which the caller has just stored.
void recordProcedureStep(SQLite::Database& tx, const Reference& ref, const CurrentUser& user,
                         const Procedure& p, int64_t now);

// May `user` read `p` (see the file comment)?
bool mayReadProcedure(const CurrentUser& user, const Reference& ref, const Procedure& p);

// The scheduler's reminders: a "procedure_due_soon" notification to the current step's unit
// when its statutory due date is today or the next working day, "procedure_overdue" once it is
// past; one per unit, procedure, kind and day. Returns how many were added. Call on working
// days only.
int64_t raiseProcedureReminders(SQLite::Database& tx, const Reference& ref, Date today,
                                Date soonUntil);

// Recomputes the current step's deadline of every open procedure on `ref` (after a holiday
// arrangement was loaded); returns how many moved.
int64_t recomputeOpenProcedures(Database& db, const Reference& ref, int64_t now);

}  // namespace pcs::server
