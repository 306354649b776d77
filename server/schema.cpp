// The schema, as an ordered list of migrations. Never edit a migration that has shipped; add
// a new one. tests/server/db_test.cpp migrates from every older version.
#include "db.h"

namespace pcs::server {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {1, "organisation, accounts, cases, audit",
       R"SQL(
CREATE TABLE settings(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);

-- The organisation tree (R1): one row per unit, the whole OrgUnit as JSON (history included).
CREATE TABLE units(
  id TEXT PRIMARY KEY,
  parent_id TEXT,
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL);

CREATE TABLE companies(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  credit_code TEXT,
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE INDEX companies_name ON companies(name);

CREATE TABLE estates(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  county_id TEXT NOT NULL,
  street_id TEXT,
  community_id TEXT,
  company_id TEXT,
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE INDEX estates_name ON estates(name);
CREATE INDEX estates_company ON estates(company_id);

-- Accounts: a user acts in one unit with one or more roles (comma-separated role keys).
CREATE TABLE users(
  id TEXT PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  roles TEXT NOT NULL,
  phone TEXT,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL);

-- Sessions: only a hash of the cookie's token is stored.
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts(
  login TEXT NOT NULL,
  address TEXT NOT NULL,
  at INTEGER NOT NULL,
  ok INTEGER NOT NULL);
CREATE INDEX login_attempts_login ON login_attempts(login, at);
CREATE INDEX login_attempts_address ON login_attempts(address, at);

-- Cases: the whole pcs::Case as a versioned cereal record in `data`; the columns beside it
-- are copies for filtering, sorting and visibility, rewritten with every change.
CREATE TABLE cases(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  county_id TEXT,
  street_id TEXT,
  community_id TEXT,
  estate_id TEXT,
  company_id TEXT,
  owner_unit_id TEXT NOT NULL,
  intake_unit_id TEXT NOT NULL,
  state TEXT NOT NULL,
  urgent INTEGER NOT NULL,
  major INTEGER NOT NULL,
  channel TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  registered_at INTEGER NOT NULL,
  closed_at INTEGER,
  next_due INTEGER,
  complainant_key TEXT,
  substantiated INTEGER,
  returns INTEGER NOT NULL DEFAULT 0,
  external_ref TEXT,
  excerpt TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE INDEX cases_county_state_due ON cases(county_id, state, next_due);
CREATE INDEX cases_state_due ON cases(state, next_due);
CREATE INDEX cases_owner_state ON cases(owner_unit_id, state);
CREATE INDEX cases_company_received ON cases(company_id, received_at);
CREATE INDEX cases_estate ON cases(estate_id);
CREATE INDEX cases_street ON cases(street_id);
CREATE INDEX cases_community ON cases(community_id);
CREATE INDEX cases_channel_county ON cases(channel, county_id);
CREATE INDEX cases_received ON cases(received_at);
CREATE INDEX cases_external_ref ON cases(external_ref);

-- One row per assignment: who handles what, for handler visibility and boards.
CREATE TABLE assignments(
  case_seq INTEGER NOT NULL REFERENCES cases(seq),
  assignment_id INTEGER NOT NULL,
  unit_id TEXT NOT NULL,
  handler TEXT NOT NULL,
  state TEXT NOT NULL,
  due INTEGER,
  PRIMARY KEY(case_seq, assignment_id)) WITHOUT ROWID;
CREATE INDEX assignments_unit_state_due ON assignments(unit_id, state, due);
CREATE INDEX assignments_handler_state ON assignments(handler, state);

-- Full text in Chinese: the text is indexed as overlapping character bigrams (plus single
-- characters), which finds any substring of two or more characters (case_store.cpp).
CREATE VIRTUAL TABLE cases_fts USING fts5(terms, tokenize='unicode61');

CREATE TABLE case_counters(
  year INTEGER PRIMARY KEY,
  next INTEGER NOT NULL);

CREATE TABLE attachments(
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  file_name TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  added_at INTEGER NOT NULL,
  added_by TEXT NOT NULL);
CREATE INDEX attachments_case ON attachments(case_id);

-- The audit log (R17): append-only; each row carries the hash of the one before.
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX audit_subject ON audit(subject, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;

-- Company-ledger proposals (R10-R12) the scheduler raises and a person confirms or dismisses;
-- at most one open proposal per company and rule.
CREATE TABLE ledger_proposals(
  id INTEGER PRIMARY KEY,
  company_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open',
  decided_by TEXT,
  decided_at INTEGER,
  decision_note TEXT);
CREATE UNIQUE INDEX ledger_proposals_open ON ledger_proposals(company_id, rule)
  WHERE state = 'open';

-- Warnings for a unit: due soon, overdue, proposals waiting (raised on working days only).
CREATE TABLE notifications(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  unit_id TEXT NOT NULL,
  case_id TEXT,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  read_at INTEGER);
CREATE INDEX notifications_unit ON notifications(unit_id, read_at, id);
CREATE UNIQUE INDEX notifications_once ON notifications(unit_id, case_id, kind, at);

-- Every deadline that moved because the calendar or a rule changed, and why.
CREATE TABLE deadline_changes(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  change TEXT NOT NULL,
  cause TEXT NOT NULL);
CREATE INDEX deadline_changes_case ON deadline_changes(case_id, id);

-- Connected systems (12345 platform, other cities) using the Open311 endpoints; only a hash
-- of each API key is stored.
CREATE TABLE api_clients(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  unit_id TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL);

-- The service (catalogue entry) a connected system asked for with each request it posted; the
-- case's own categories are set only when a dispatcher confirms them.
CREATE TABLE open311_requests(
  case_id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  service_code TEXT NOT NULL,
  created_at INTEGER NOT NULL);

-- When each scheduled job last ran, so a restart neither skips nor repeats a day's work.
CREATE TABLE scheduler_runs(
  job TEXT PRIMARY KEY,
  last_run_at INTEGER NOT NULL);

-- Holiday arrangements loaded at run time (newer than the ones built in).
CREATE TABLE calendar_arrangements(
  year INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  loaded_at INTEGER NOT NULL,
  loaded_by TEXT NOT NULL);
)SQL"},
      {2, "ledger files uploaded for import",
       R"SQL(
-- A ledger file (.xlsx, .csv) between its upload and its import (import_uploads.h): the bytes
-- as uploaded, visible to the uploader only, deleted after expires_at.
CREATE TABLE import_uploads(
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  name TEXT NOT NULL,
  sheet TEXT NOT NULL,
  format TEXT NOT NULL,
  size INTEGER NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE INDEX import_uploads_user ON import_uploads(user_id, created_at);
CREATE INDEX import_uploads_expiry ON import_uploads(expires_at);
)SQL"},
      {3, "weekly statistics packages for the discipline commission",
       R"SQL(
-- Weekly packages (R13, T14) as issued: the JSON of the figures, frozen. A correction is a new
-- version of the same week and scope; no version is ever changed or removed.
CREATE TABLE report_packages(
  id INTEGER PRIMARY KEY,
  week TEXT NOT NULL,
  scope TEXT NOT NULL,
  version INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  issued_by TEXT NOT NULL,
  issued_by_unit TEXT NOT NULL,
  reason TEXT NOT NULL,
  data TEXT NOT NULL,
  UNIQUE(week, scope, version));
CREATE TRIGGER report_packages_no_update BEFORE UPDATE ON report_packages
  BEGIN SELECT RAISE(ABORT, 'an issued report package cannot be changed'); END;
CREATE TRIGGER report_packages_no_delete BEFORE DELETE ON report_packages
  BEGIN SELECT RAISE(ABORT, 'an issued report package cannot be removed'); END;
)SQL"},
      {4, "satisfaction surveys, red/black lists and monthly bulletins",
       R"SQL(
-- Satisfaction and service surveys of an estate's residents (R11, T10): one per estate and
-- period. `company_id` and `county_id` are copied from the estate when the survey is opened.
-- Closing stores the counts and the rate; the ledger job reads closed surveys (scheduler.cpp).
CREATE TABLE surveys(
  id INTEGER PRIMARY KEY,
  estate_id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  county_id TEXT NOT NULL,
  period TEXT NOT NULL,
  note TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  closed_by TEXT,
  closed_at INTEGER,
  counted INTEGER,
  satisfied INTEGER,
  satisfaction REAL,
  refused_to_fix INTEGER NOT NULL DEFAULT 0,
  fix_inadequate INTEGER NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX surveys_estate_period ON surveys(estate_id, period);
CREATE INDEX surveys_company_closed ON surveys(company_id, state, closed_at);

-- One counted response per household (the normalised building/unit/room); a response refused
-- because the respondent works for the company is kept with status 'refused'.
CREATE TABLE survey_responses(
  id INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  household TEXT NOT NULL,
  household_raw TEXT NOT NULL,
  rating TEXT NOT NULL,
  status TEXT NOT NULL,
  refusal TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL);
CREATE UNIQUE INDEX survey_responses_household ON survey_responses(survey_id, household)
  WHERE status = 'counted';

-- The company's own staff, by normalised contact key or identity-number key only: who may not
-- answer its surveys.
CREATE TABLE company_staff(
  company_id TEXT NOT NULL,
  person_key TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  PRIMARY KEY(company_id, person_key)) WITHOUT ROWID;

-- Monthly red/black list and bulletin of a county (R14). A published issue never changes
-- (the triggers below back the server's 409); a correction is a new issue naming the one it
-- corrects.
CREATE TABLE bulletins(
  id INTEGER PRIMARY KEY,
  county_id TEXT NOT NULL,
  month TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'draft',
  title TEXT NOT NULL,
  praise_text TEXT NOT NULL,
  criticism_text TEXT NOT NULL,
  figures TEXT NOT NULL,
  corrects_id INTEGER REFERENCES bulletins(id),
  correction_reason TEXT,
  drafted_by TEXT NOT NULL,
  drafted_at INTEGER NOT NULL,
  published_by TEXT,
  published_at INTEGER);
CREATE UNIQUE INDEX bulletins_one_draft ON bulletins(county_id, month) WHERE state = 'draft';
CREATE INDEX bulletins_published ON bulletins(state, month, county_id);

CREATE TABLE bulletin_entries(
  id INTEGER PRIMARY KEY,
  bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
  list TEXT NOT NULL,
  company_id TEXT NOT NULL,
  company_name TEXT NOT NULL,
  reasons TEXT NOT NULL,
  evidence TEXT NOT NULL,
  drafted_list TEXT NOT NULL);
CREATE INDEX bulletin_entries_bulletin ON bulletin_entries(bulletin_id, id);

-- Every reviewer's edit of a draft, with the reason.
CREATE TABLE bulletin_edits(
  id INTEGER PRIMARY KEY,
  bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
  entry_id INTEGER,
  at INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  change TEXT NOT NULL,
  reason TEXT NOT NULL);

-- A company's objection to an entry of a published issue, and its outcome.
CREATE TABLE bulletin_objections(
  id INTEGER PRIMARY KEY,
  bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
  entry_id INTEGER NOT NULL REFERENCES bulletin_entries(id),
  company_id TEXT NOT NULL,
  text TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  outcome TEXT NOT NULL DEFAULT 'pending',
  outcome_note TEXT,
  decided_by TEXT,
  decided_at INTEGER);
CREATE INDEX bulletin_objections_bulletin ON bulletin_objections(bulletin_id, id);

CREATE TRIGGER bulletins_published_frozen BEFORE UPDATE ON bulletins
  WHEN OLD.state = 'published'
  BEGIN SELECT RAISE(ABORT, 'a published bulletin cannot be changed'); END;
CREATE TRIGGER bulletins_published_kept BEFORE DELETE ON bulletins
  WHEN OLD.state = 'published'
  BEGIN SELECT RAISE(ABORT, 'a published bulletin cannot be changed'); END;
CREATE TRIGGER bulletin_entries_frozen BEFORE UPDATE ON bulletin_entries
  WHEN (SELECT state FROM bulletins WHERE id = OLD.bulletin_id) = 'published'
  BEGIN SELECT RAISE(ABORT, 'a published bulletin cannot be changed'); END;
CREATE TRIGGER bulletin_entries_kept BEFORE DELETE ON bulletin_entries
  WHEN (SELECT state FROM bulletins WHERE id = OLD.bulletin_id) = 'published'
  BEGIN SELECT RAISE(ABORT, 'a published bulletin cannot be changed'); END;
CREATE TRIGGER bulletin_entries_added BEFORE INSERT ON bulletin_entries
  WHEN (SELECT state FROM bulletins WHERE id = NEW.bulletin_id) = 'published'
  BEGIN SELECT RAISE(ABORT, 'a published bulletin cannot be changed'); END;
)SQL"},
      {5, "joint meeting, meetings, decided items, listed supervision, bulletins",
       R"SQL(
-- The joint meeting (R16): member units with the convener and the office, each with a liaison.
-- A liaison's phone is personal data (masked for readers who do not contact liaisons).
CREATE TABLE jm_members(
  unit_id TEXT PRIMARY KEY,
  convener INTEGER NOT NULL DEFAULT 0,
  office INTEGER NOT NULL DEFAULT 0,
  liaison_name TEXT NOT NULL DEFAULT '',
  liaison_post TEXT NOT NULL DEFAULT '',
  liaison_phone TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL);
-- Every change of membership, one row per field: who, when, old -> new.
CREATE TABLE jm_member_history(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL);
CREATE INDEX jm_member_history_unit ON jm_member_history(unit_id, id);

-- Joint meetings and dispatch meetings (R15, R16): draft -> held -> closed. Agenda and
-- attendees (unit ids) are JSON arrays of strings.
CREATE TABLE meetings(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  meeting_date TEXT NOT NULL,
  agenda TEXT NOT NULL,
  attendees TEXT NOT NULL,
  minutes TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'draft',
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  held_at INTEGER,
  closed_at INTEGER);

-- Decided items (议定事项): an owner unit and a due date each; open until marked done.
CREATE TABLE decided_items(
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES meetings(id),
  text TEXT NOT NULL,
  owner_unit_id TEXT NOT NULL,
  due TEXT NOT NULL,
  due_rule TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open',
  done_at INTEGER,
  done_by TEXT,
  done_note TEXT);
CREATE INDEX decided_items_meeting ON decided_items(meeting_id, id);
CREATE INDEX decided_items_owner ON decided_items(owner_unit_id, state);

-- The cases a decided item was applied to, and how (a new handler or a new deadline).
CREATE TABLE decided_item_cases(
  item_id INTEGER NOT NULL REFERENCES decided_items(id),
  case_id TEXT NOT NULL,
  effect TEXT NOT NULL,
  detail TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  applied_by TEXT NOT NULL,
  PRIMARY KEY(item_id, case_id, effect)) WITHOUT ROWID;

-- Listed supervision (挂牌督办) until cleared (销号清零).
CREATE TABLE listed_matters(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  owner_unit_id TEXT NOT NULL,
  plan TEXT NOT NULL,
  start_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  meeting_id INTEGER REFERENCES meetings(id),
  state TEXT NOT NULL DEFAULT 'open',
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  closed_at INTEGER,
  closed_by TEXT,
  close_reason TEXT);
CREATE INDEX listed_matters_state ON listed_matters(state, due_on);
CREATE TABLE listed_matter_cases(
  matter_id INTEGER NOT NULL REFERENCES listed_matters(id),
  case_id TEXT NOT NULL,
  PRIMARY KEY(matter_id, case_id)) WITHOUT ROWID;
-- One progress report per matter and month ("YYYY-MM"); late when filed after that month.
CREATE TABLE listed_progress(
  matter_id INTEGER NOT NULL REFERENCES listed_matters(id),
  month TEXT NOT NULL,
  text TEXT NOT NULL,
  reported_at INTEGER NOT NULL,
  reported_by TEXT NOT NULL,
  late INTEGER NOT NULL,
  PRIMARY KEY(matter_id, month)) WITHOUT ROWID;

-- Work bulletins (工作简报/通报) of the office to member units; immutable once published.
CREATE TABLE work_bulletins(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'draft',
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  published_at INTEGER,
  published_by TEXT);
CREATE TABLE work_bulletin_recipients(
  bulletin_id INTEGER NOT NULL REFERENCES work_bulletins(id),
  unit_id TEXT NOT NULL,
  read_at INTEGER,
  read_by TEXT,
  PRIMARY KEY(bulletin_id, unit_id)) WITHOUT ROWID;
CREATE INDEX work_bulletin_recipients_unit ON work_bulletin_recipients(unit_id, bulletin_id);

-- Oversight (R13, R17): an assignment answered after its resolve deadline. Rewritten with the
-- case like every column of assignments; rows written before this version read 0 until their
-- case next changes.
ALTER TABLE assignments ADD COLUMN answered_late INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {6, "a per-installation key for the identity of imported rows",
       R"SQL(
-- Imported rows without a reference are identified by a keyed hash of their time, complainant
-- and content (ledger_import.h). The key is random per installation, so the stored identity
-- cannot be checked against guessed telephone numbers.
INSERT INTO settings(key, value) VALUES('import_identity_key', lower(hex(randomblob(32))));
)SQL"},
      {7, "grade-review and exit procedures, estate service grades",
       R"SQL(
-- Grade-review case files and exit procedures (R11, R12; pcs/procedure.h): the whole
-- pcs::Procedure as JSON in `data` (its "format" member is the record's version); the columns
-- beside it are copies for filtering and scope, rewritten with every change. current_due is the
-- current step's statutory due date ('YYYY-MM-DD'), NULL when the step has no time limit.
CREATE TABLE procedures(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  company_id TEXT NOT NULL,
  estate_id TEXT NOT NULL,
  county_id TEXT NOT NULL,
  state TEXT NOT NULL,
  stage TEXT NOT NULL,
  current_due TEXT,
  data TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
-- At most one open procedure of a kind per estate.
CREATE UNIQUE INDEX procedures_open ON procedures(estate_id, kind) WHERE state = 'open';
CREATE INDEX procedures_county ON procedures(county_id, state, current_due);
CREATE INDEX procedures_company ON procedures(company_id, kind, state);
CREATE INDEX procedures_due ON procedures(state, current_due);

-- An estate's service grade as re-rated by grade reviews, oldest first; before the first row
-- the estate has its company's grade.
CREATE TABLE estate_grades(
  id INTEGER PRIMARY KEY,
  estate_id TEXT NOT NULL,
  grade TEXT NOT NULL,
  at INTEGER NOT NULL,
  procedure_id INTEGER REFERENCES procedures(id),
  set_by TEXT NOT NULL);
CREATE INDEX estate_grades_estate ON estate_grades(estate_id, id);

-- Notifications about a procedure (a step to take, a copy, due soon, overdue) name it here;
-- case_id stays NULL for them. One reminder per unit, procedure, kind and day, as for cases.
ALTER TABLE notifications ADD COLUMN procedure_id INTEGER;
CREATE UNIQUE INDEX notifications_procedure_once ON notifications(unit_id, procedure_id, kind, at)
  WHERE procedure_id IS NOT NULL;
)SQL"},
      {8, "the cases behind every figure of a monthly red/black list and bulletin",
       R"SQL(
-- What each figure of an issue counts (R14 drill-down), stored when it is drafted and frozen
-- with it: per company, `figure` is complaints, substantiated, closed or overdue (`ref` a case
-- id) or surveys (`ref` a survey id). Issues drafted before this version have no rows.
CREATE TABLE bulletin_figure_cases(
  bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
  company_id TEXT NOT NULL,
  figure TEXT NOT NULL,
  ref TEXT NOT NULL,
  PRIMARY KEY(bulletin_id, company_id, figure, ref)) WITHOUT ROWID;
CREATE TRIGGER bulletin_figure_cases_frozen BEFORE UPDATE ON bulletin_figure_cases
  WHEN (SELECT state FROM bulletins WHERE id = OLD.bulletin_id) = 'published'
  BEGIN SELECT RAISE(ABORT, 'a published bulletin cannot be changed'); END;
CREATE TRIGGER bulletin_figure_cases_kept BEFORE DELETE ON bulletin_figure_cases
  WHEN (SELECT state FROM bulletins WHERE id = OLD.bulletin_id) = 'published'
  BEGIN SELECT RAISE(ABORT, 'a published bulletin cannot be changed'); END;
CREATE TRIGGER bulletin_figure_cases_added BEFORE INSERT ON bulletin_figure_cases
  WHEN (SELECT state FROM bulletins WHERE id = NEW.bulletin_id) = 'published'
  BEGIN SELECT RAISE(ABORT, 'a published bulletin cannot be changed'); END;
)SQL"},
  };
  return list;
}

}  // namespace pcs::server
