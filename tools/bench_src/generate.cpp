// Large-database builder: realistic cases made by the domain's workflow (registered, dispatched,
// accepted, resolved, co-signed, reviewed, closed as far as each case's story goes) and stored
// with CaseStore::insert and an audit entry, `batch` cases per write transaction. The data
// folder must already hold the demo city (start pcs-server once with --demo-cases 0).
//
// The mix: registrations spread over the ~700 days before now; about 10% are "stuck" old
// cases left open long past their deadlines (overdue), about 15% are recent and stopped at a
// random stage, the rest were worked through to closure. All four counties get cases.
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "app.h"
#include "audit.h"
#include "bench.h"
#include "case_store.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "pcs/workflow.h"
#include "reference_store.h"

namespace pcs::bench {
namespace {

struct Spec {
  const char* text;
  const char* handler;  // handler key of the one assignment
  const char* code;     // catalogue entry
};

const Spec kSpecs[] = {
    {"楼道里堆满纸箱和旧家具，多次找物业没人清理", "street_office", "housing.1.5"},
    {"顶楼防水层坏了，下雨就漏水，物业一直推脱", "street_office", "housing.1.1"},
    {"地下车库一下雨就积水，车都泡了", "street_office", "housing.1.2"},
    {"小区垃圾好几天没人清运，臭得不行", "street_office", "housing.1.3"},
    {"物业擅自把绿地改成收费停车位", "street_office", "housing.2.1"},
    {"楼上住户往下扔东西，差点砸到小孩", "police", "police.2"},
    {"物业费收费标准和公示的不一样", "market_regulation", "market_regulation.2.1"},
    {"电梯年检合格证过期好几个月了", "market_regulation", "market_regulation.3.1"},
    {"楼道里有人给电动车充电，电线拉得到处都是", "fire_rescue", "fire_rescue.6"},
    {"卫生间墙面渗水漏水，楼下天花板发霉", "street_office", "housing.1.1"},
};

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
const char* const kGiven[] = {"建国", "丽华", "志强", "秀英", "海燕", "明", "伟", "芳"};

struct Account {
  std::string id, unitId;
  std::vector<Role> roles;
};

struct Rng {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s >> 33);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint32_t>(n)); }
};

}  // namespace

double generateCases(const GenerateOptions& o) {
  server::Options options;
  options.dataDir = o.dataDir;
  options.demo = false;
  server::App app(options);
  auto ref = app.reference();

  // Accounts by login (events name account ids) and the estates to spread cases over.
  std::map<std::string, Account> users;
  {
    SQLite::Statement st(app.db().reader(), "SELECT id, login, unit_id, roles FROM users");
    while (st.executeStep()) {
      Account u;
      u.id = st.getColumn(0).getString();
      u.unitId = st.getColumn(2).getString();
      const std::string roles = st.getColumn(3).getString();
      size_t at = 0;
      while (at <= roles.size()) {
        const size_t comma = std::min(roles.find(',', at), roles.size());
        if (auto r = roleFromKey(roles.substr(at, comma - at))) u.roles.push_back(*r);
        at = comma + 1;
      }
      users[st.getColumn(1).getString()] = u;
    }
  }
  if (!users.count("c01.clerk"))
    throw std::runtime_error(o.dataDir + " has no demo accounts; start pcs-server on it once");
  std::vector<Estate> estates;
  {
    SQLite::Statement st(app.db().reader(), "SELECT id FROM estates ORDER BY id");
    while (st.executeStep())
      estates.push_back(
          *server::ReferenceStore::estate(app.db().reader(), st.getColumn(0).getString()));
  }
  auto actor = [&](const std::string& login) {
    auto it = users.find(login);
    if (it == users.end()) throw std::runtime_error("no account " + login);
    return Actor{it->second.id, it->second.unitId, it->second.roles};
  };

  const int64_t now = app.now();
  constexpr int64_t kDay = 86400;
  Rng rng{20261204};
  int failed = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int done = 0; done < o.cases;) {
    const int n = std::min(o.batch, o.cases - done);
    app.db().write([&](SQLite::Database& tx) {
      for (int k = 0; k < n; ++k) {
        const int i = done + k;
        const Spec& spec = kSpecs[rng.below(std::size(kSpecs))];
        const Estate& estate = estates[rng.below(int(estates.size()))];
        const int kind = rng.below(100);  // <10 stuck and overdue, <25 recent, else closed
        const int ageDays = kind < 10   ? 30 + rng.below(670)
                            : kind < 25 ? rng.below(20)
                                        : 20 + rng.below(680);
        int64_t t = now - ageDays * kDay - rng.below(8 * 3600) - 3600;
        auto at = [&](int64_t when) {
          return WorkflowContext{ref->org, ref->calendar, ref->rules, std::min(when, now)};
        };
        Case c;
        c.receivedAt = t - rng.below(3600);
        c.channel = static_cast<Channel>(rng.below(5));
        if (c.channel == Channel::Hotline12345) c.externalRef = "GD" + std::to_string(30000000 + i);
        c.complainant.name =
            std::string(kSurnames[rng.below(std::size(kSurnames))]) + kGiven[rng.below(8)];
        c.complainant.contact = "1390000" + std::to_string(1000 + rng.below(9000));
        c.complainant.key = complainantKey(c.complainant.name, c.complainant.contact);
        const std::string building = std::to_string(1 + rng.below(30)) + "号楼";
        c.content = estate.name + building + "：" + spec.text;
        c.location = estate.name + building;
        c.estateId = estate.id;
        c.companyId = estate.companyId;
        c.countyId = estate.countyId;
        c.streetId = estate.streetId;
        c.communityId = estate.communityId;
        const std::string county = estate.countyId;
        const std::string clerk = county + ".clerk";
        try {
          c.id = server::CaseStore::nextCaseId(tx, cstDate(t).year());
          registerCase(c, actor(clerk), at(t));
          // How far the story goes: stuck cases stop at registered, dispatched or accepted.
          const int stage = kind < 10 ? rng.below(3) : kind < 25 ? rng.below(7) : 7;
          if (stage >= 1) {
            const Handler h = *handlerFromKey(spec.handler);
            const OrgUnit* u = h == Handler::StreetOffice ? ref->org.find(c.streetId)
                                                          : ref->org.handlerUnit(county, h);
            Command d;
            d.action = Action::Dispatch;
            d.targets.push_back({u->id, {spec.code}});
            apply(c, d, actor(county + ".dispatcher"), at(t += 3600 * (1 + rng.below(30))));
            Assignment& a = c.assignments.back();
            const std::string handlerLogin =
                h == Handler::StreetOffice ? u->id + ".handler" : u->id;
            Command cmd;
            cmd.assignmentId = a.id;
            if (stage >= 2) {
              cmd.action = Action::Accept;
              apply(c, cmd, actor(handlerLogin), at(t += 3600 * (1 + rng.below(20))));
            }
            if (stage >= 3) {
              cmd.action = Action::Resolve;
              cmd.substantiated = rng.below(4) != 0;
              cmd.text = "经现场核查，已督促物业服务企业整改，并电话答复投诉人";
              apply(c, cmd, actor(handlerLogin), at(t += kDay * (1 + rng.below(6))));
            }
            const bool coSign = a.needsCoSign();
            if (stage >= 4 && coSign) {
              Command sign;
              sign.assignmentId = a.id;
              sign.text = "经核实已办结，同意销号";
              sign.action = Action::CoSignStreet;
              apply(c, sign, actor(c.streetId + ".head"), at(t += 3600));
              sign.action = Action::CoSignHousing;
              apply(c, sign, actor(county + ".housing.head"), at(t += 3600));
            }
            if (stage >= 5) {
              Command submit;
              submit.action = Action::SubmitReview;
              submit.assignmentId = a.id;
              apply(c, submit, actor(coSign ? county + ".dispatcher" : handlerLogin),
                    at(t += 3600));
            }
            if (stage >= 6) {
              Command approve;
              approve.action = Action::Approve;
              approve.assignmentId = a.id;
              apply(c, approve,
                    actor(coSign ? "city.reviewer"
                                 : "city." + std::string(handlerKey(a.handler)) + ".reviewer"),
                    at(t += kDay));
            }
          }
          server::CaseStore::insert(tx, c, std::min(t, now));
          server::appendAudit(tx, {c.registeredAt, users[clerk].id, users[clerk].unitId,
                                   "case.register", "case:" + c.id, "压测数据"});
        } catch (const Error& e) {
          if (++failed <= 5) std::fprintf(stderr, "case %d not stored: %s\n", i, e.what());
        }
      }
    });
    done += n;
    if (done % 50000 == 0)
      std::fprintf(stderr, "%d cases, %.0f s\n", done,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (failed) std::fprintf(stderr, "%d cases refused by the workflow (not stored)\n", failed);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace pcs::bench
