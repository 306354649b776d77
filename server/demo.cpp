// Demo city: organisation, reference data, users and cases made through the workflow.
//
// Sections: the city | companies and estates | users | complaints | seeding
#include "demo.h"

#include <map>

#include "audit.h"
#include "case_store.h"
#include "log.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "pcs/org_builder.h"
#include "reference_store.h"

namespace pcs::server {
namespace {

// ---- the city -------------------------------------------------------------------------------

AreaSpec demoCity() {
  auto street = [](const std::string& id, const std::string& name,
                   std::vector<std::pair<std::string, std::string>> communities) {
    AreaSpec s{id, name, {}};
    for (auto& [cid, cname] : communities) s.children.push_back({id + "." + cid, cname, {}});
    return s;
  };
  return {"city",
          "云川市",
          {{"c01",
            "东湖区",
            {street("c01.s01", "朝阳街道", {{"m01", "幸福社区"}, {"m02", "光明社区"}}),
             street("c01.s02", "滨河街道", {{"m01", "滨河社区"}, {"m02", "柳岸社区"}})}},
           {"c02",
            "西岭区",
            {street("c02.s01", "紫荆街道", {{"m01", "紫荆社区"}, {"m02", "桂花社区"}}),
             street("c02.s02", "枫林街道", {{"m01", "枫林社区"}})}},
           {"c03",
            "南溪区",
            {street("c03.s01", "南苑街道", {{"m01", "南苑社区"}, {"m02", "溪畔社区"}})}},
           {"c04",
            "青山县",
            {street("c04.s01", "石门镇", {{"m01", "石门村"}, {"m02", "新街社区"}}),
             street("c04.s02", "龙泉镇", {{"m01", "龙泉社区"}})}}}};
}

// ---- companies and estates --------------------------------------------------------------------

// A made-up but well-formed unified social credit code for company number `n`.
std::string creditCode(int n) {
  static const std::string kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  std::string body = "91530100MA" + std::string(1, kChars[10 + n % 20]) +
                     std::to_string(100000 + n * 7919 % 900000);
  body = body.substr(0, 17);
  int sum = 0, weight = 1;
  for (char c : body) {
    sum += static_cast<int>(kChars.find(c)) * weight;
    weight = weight * 3 % 31;
  }
  return body + kChars[(31 - sum % 31) % 31];
}

const char* const kCompanies[] = {
    "云川市安居物业服务有限公司", "云川恒信物业管理有限公司",   "东湖宜家物业服务有限公司",
    "西岭康居物业有限公司",       "云川市万佳物业服务有限公司", "南溪安泰物业管理有限公司",
    "青山县绿洲物业有限公司",     "云川市锦程物业管理有限公司",
};

struct EstateSpec {
  const char* name;
  const char* community;  // community unit id; the street and county follow from it
  int company;            // index into kCompanies, -1 for none (失管小区)
  bool highRise;
  bool directPower;
};

const EstateSpec kEstates[] = {
    {"锦绣花园", "c01.s01.m01", 0, true, false},   {"阳光家园", "c01.s01.m01", 1, false, false},
    {"翠湖小区", "c01.s01.m02", 2, true, true},    {"金桂苑", "c01.s02.m01", 0, false, false},
    {"和平里小区", "c01.s02.m02", 3, false, true}, {"春晓苑", "c02.s01.m01", 4, true, false},
    {"御景湾", "c02.s01.m02", 1, true, false},     {"枫林雅居", "c02.s02.m01", 3, false, false},
    {"书香门第", "c02.s01.m01", 4, true, false},   {"滨河新城", "c03.s01.m01", 5, true, false},
    {"紫荆花园", "c03.s01.m02", 5, false, true},   {"南苑新村", "c03.s01.m01", -1, false, true},
    {"石门家园", "c04.s01.m02", 6, false, false},  {"龙泉山庄", "c04.s02.m01", 6, false, true},
    {"世纪城", "c01.s02.m01", 7, true, false},     {"华府名邸", "c02.s02.m01", 7, true, false},
};

// ---- users ----------------------------------------------------------------------------------

void addCountyUsers(std::vector<DemoUser>& users, const std::string& c, const std::string& name) {
  users.push_back({c + ".clerk", name + "住建受理员", c + ".housing", {Role::IntakeClerk}});
  users.push_back({c + ".dispatcher",
                   name + "住建分转员",
                   c + ".housing",
                   {Role::Dispatcher, Role::IntakeClerk}});
  users.push_back({c + ".housing.head",
                   name + "住建负责人",
                   c + ".housing",
                   {Role::UnitHead, Role::Dispatcher}});
  users.push_back({c + ".discipline", name + "纪委监委", c + ".discipline", {Role::Oversight}});
  for (const char* dept : {"police", "market_regulation", "fire_rescue", "health",
                           "urban_management", "natural_resources", "development_reform", "energy",
                           "civil_air_defence", "court", "hotline_12345"}) {
    users.push_back({c + "." + dept,
                     name + std::string(handlerNameZh(*handlerFromKey(dept))) + "承办人",
                     c + "." + dept,
                     {Role::Handler}});
  }
  users.push_back({c + ".police.head", name + "公安负责人", c + ".police", {Role::UnitHead}});
}

}  // namespace

std::vector<DemoUser> demoUsers() {
  std::vector<DemoUser> users = {
      {"admin", "系统管理员", "city.housing", {Role::Admin}},
      {"city.clerk", "市住建受理员", "city.housing", {Role::IntakeClerk}},
      {"city.dispatcher", "市住建分转员", "city.housing", {Role::Dispatcher, Role::IntakeClerk}},
      {"city.reviewer", "市住建审核员", "city.housing", {Role::Reviewer}},
      {"city.head", "市住建负责人", "city.housing", {Role::UnitHead, Role::Reviewer}},
      {"city.discipline", "市纪委监委", "city.discipline", {Role::Oversight}},
  };
  for (const char* dept : {"police", "market_regulation", "fire_rescue", "health",
                           "urban_management", "natural_resources", "development_reform", "energy",
                           "civil_air_defence", "court", "hotline_12345"})
    users.push_back(
        {std::string("city.") + dept + ".reviewer",
         std::string("市") + std::string(handlerNameZh(*handlerFromKey(dept))) + "审核员",
         std::string("city.") + dept,
         {Role::Reviewer}});
  const AreaSpec city = demoCity();
  for (const AreaSpec& county : city.children) {
    addCountyUsers(users, county.id, county.name);
    for (const AreaSpec& street : county.children) {
      users.push_back({street.id + ".handler", street.name + "承办人", street.id, {Role::Handler}});
      users.push_back({street.id + ".head",
                       street.name + "负责人",
                       street.id,
                       {Role::UnitHead, Role::Handler}});
      for (const AreaSpec& community : street.children)
        users.push_back({community.id + ".handler",
                         community.name + "工作人员",
                         community.id,
                         {Role::Handler}});
    }
  }
  return users;
}

namespace {

// ---- complaints -----------------------------------------------------------------------------

struct ComplaintSpec {
  const char* text;
  std::vector<const char*> handlers;  // where it is dispatched (handler keys)
  const char* code;                   // the main catalogue entry
  bool urgent;
};

const ComplaintSpec kComplaints[] = {
    {"3号楼2单元楼道里堆满了纸箱和旧家具，跟物业说了好几次都没人清理",
     {"street_office"},
     "housing.1.5",
     false},
    {"小区电梯隔三差五就坏，上周还困人半个多小时物业才来人",
     {"market_regulation", "street_office"},
     "market_regulation.3.1",
     true},
    {"楼上住户往下扔东西，昨天一个花盆差点砸到楼下的小孩", {"police"}, "police.2", true},
    {"物业擅自把小区绿地改成收费停车位，业主都不同意", {"street_office"}, "housing.2.1", false},
    {"物业费收费标准和公示的不一样，每月多收二十多块",
     {"market_regulation"},
     "market_regulation.2.1",
     false},
    {"有人把电动车推进楼道里充电，线拉得到处都是，太危险了",
     {"fire_rescue"},
     "fire_rescue.6",
     true},
    {"最近家里自来水发黄，烧开以后有股怪味", {"health"}, "health.1", false},
    {"地下人防工程被物业租出去当仓库了，堆了很多东西",
     {"civil_air_defence"},
     "civil_air_defence.5",
     false},
    {"小区垃圾好几天没人清运，天一热臭得不行，苍蝇到处飞", {"street_office"}, "housing.1.3", false},
    {"物业从来不公示停车费、广告费这些公共收益，钱去哪了没人知道",
     {"street_office"},
     "housing.2.2",
     false},
    {"一楼住户私自在院子里搭建阳光房，挡住了消防通道",
     {"natural_resources", "urban_management"},
     "natural_resources.1",
     false},
    {"我们是直供电小区，一到晚上就跳闸停电，说是电容量不够", {"energy"}, "energy.4", false},
    {"和物业因为物业费的事情闹了一年多了，想请法院帮忙调解", {"court"}, "court.1", false},
    {"晚上小区里好几家的狗一直叫，吵得睡不着，物业不管", {"police"}, "police.2", false},
    {"外墙保温层大块脱落，把楼下停的车砸坏了",
     {"fire_rescue", "street_office"},
     "fire_rescue.3",
     true},
    {"电梯年检合格证过期好几个月了，物业说不知道",
     {"market_regulation"},
     "market_regulation.3.1",
     false},
    {"维修资金用在哪里从来没公示，业主申请查账也不给看", {"street_office"}, "housing.2.4", false},
    {"消火栓被绿化带围起来了，还堆了杂物，根本用不了", {"fire_rescue"}, "fire_rescue.8", false},
    {"小区门禁坏了两个月，外来人员随便进出，晚上不安全",
     {"police", "street_office"},
     "police.1",
     false},
    {"物业代收水费还要加收手续费，这合理吗", {"market_regulation"}, "market_regulation.2.2", false},
    {"楼顶防水层坏了，顶楼好几户下雨就漏水", {"street_office"}, "housing.1.1", false},
    {"业委会换届一直拖着不办，物业和原业委会说了算", {"street_office"}, "street_office.4", false},
    {"地下车库一下雨就积水，车都泡了", {"street_office"}, "housing.1.2", false},
    {"物业公司营业执照过期了还在收费", {"market_regulation"}, "market_regulation.1", false},
};

// A small deterministic generator (the demo must look the same on every machine).
struct Lcg {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s >> 33);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint32_t>(n)); }
};

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                 "郭", "蔡", "邹", "孙", "马", "朱", "胡", "林", "何", "高"};
const char* const kGivenNames[] = {"建国", "丽华", "志强", "秀英", "海燕", "明",   "伟",
                                   "芳",   "军",   "敏",   "静",   "磊",   "晓东", "春梅"};

const DemoUser& userNamed(const std::vector<DemoUser>& users, const std::string& login) {
  for (const DemoUser& u : users)
    if (u.login == login) return u;
  throw Error(ErrorCode::NotFound, "demo user " + login);
}

// The login that handles work at `unitId` (handler role).
std::string handlerLogin(const std::string& unitId) {
  const size_t dot = unitId.find('.');
  const bool department = dot != std::string::npos && unitId.find(".s") == std::string::npos;
  return department ? unitId : unitId + ".handler";
}

}  // namespace

// ---- seeding --------------------------------------------------------------------------------

void seedDemo(App& app,
              const std::function<std::string(const DemoUser&, const std::string&)>& createUser,
              int cases, unsigned seed) {
  if (ReferenceStore::countUnits(app.db().reader()) > 0) return;
  const int64_t now = app.now();
  const OrgTree org = buildStandardOrg(demoCity());

  // Reference data first, so users and cases can name units, estates and companies.
  std::vector<Estate> estates;
  app.db().write([&](SQLite::Database& tx) {
    for (const OrgUnit* u : org.all()) ReferenceStore::putUnit(tx, *u, now);
    int n = 0;
    for (const char* name : kCompanies) {
      Company c;
      c.id = "co-" + std::to_string(++n);
      c.name = name;
      c.creditCode = creditCode(n);
      c.serviceGrade = n % 3 == 0 ? "二级" : "三级";
      c.creditRating = n == 7 ? "C" : "B";
      ReferenceStore::putCompany(tx, c, now);
    }
    n = 0;
    for (const EstateSpec& s : kEstates) {
      Estate e;
      e.id = "e-" + std::to_string(++n);
      e.name = s.name;
      e.communityId = s.community;
      e.streetId = org.get(s.community).parentId;
      e.countyId = org.get(e.streetId).parentId;
      e.address = org.get(e.countyId).name + org.get(e.streetId).name + s.name;
      e.companyId = s.company >= 0 ? "co-" + std::to_string(s.company + 1) : "";
      e.highRise = s.highRise;
      e.directPower = s.directPower;
      ReferenceStore::putEstate(tx, e, now);
      estates.push_back(e);
    }
    appendAudit(tx, {now, "system", "city.housing", "demo.seed", "system",
                     "载入演示数据：" + std::to_string(org.all().size()) + "个单位"});
  });
  app.reloadReference();

  std::vector<DemoUser> users = demoUsers();
  // Events name users by account id, as real actions do; the generator finds them by login.
  std::map<std::string, std::string> idOfLogin;
  for (const DemoUser& u : users) idOfLogin[u.login] = createUser(u, kDemoPassword);
  auto actorOf = [&idOfLogin](const DemoUser& u) {
    return Actor{idOfLogin.at(u.login), u.unitId, u.roles};
  };

  // Cases: registered over the last 60 days, each worked as far as its age suggests, so the
  // board has every state, some overdue and some returned.
  auto ref = app.reference();
  Lcg rng{seed};
  constexpr int64_t kDay = 86400;
  for (int i = 0; i < cases; ++i) {
    const ComplaintSpec& spec = kComplaints[rng.below(std::size(kComplaints))];
    const Estate& estate = estates[rng.below(static_cast<int>(estates.size()))];
    const int ageDays = rng.below(60);
    int64_t t = now - ageDays * kDay - rng.below(8 * 3600) - 3600;
    auto at = [&](int64_t when) {
      return WorkflowContext{ref->org, ref->calendar, ref->rules, when};
    };
    const std::string county = estate.countyId;

    Case c;
    c.receivedAt = t - rng.below(3600);
    c.channel = static_cast<Channel>(rng.below(5));
    if (c.channel == Channel::Hotline12345) c.externalRef = "GD" + std::to_string(20250000 + i);
    c.complainant.name = std::string(kSurnames[rng.below(std::size(kSurnames))]) +
                         kGivenNames[rng.below(std::size(kGivenNames))];
    // 1390000xxxx: a made-up range; a few complainants complain more than once.
    c.complainant.contact = "1390000" + std::to_string(1000 + rng.below(400));
    c.complainant.key = complainantKey(c.complainant.name, c.complainant.contact);
    c.content = estate.name + std::to_string(1 + rng.below(12)) + "号楼：" + spec.text;
    c.location = estate.name + std::to_string(1 + rng.below(12)) + "号楼";
    locateCaseAt(c, estate);
    c.urgent = spec.urgent && rng.below(2) == 0;
    if (c.urgent) c.urgentReason = "危及人身安全";

    const bool cityIntake = rng.below(5) == 0;
    const DemoUser& clerk = userNamed(users, cityIntake ? "city.clerk" : county + ".clerk");
    const DemoUser& dispatcher = userNamed(users, county + ".dispatcher");
    try {
      app.db().write([&](SQLite::Database& tx) {
        c.id = CaseStore::nextCaseId(tx, cstDate(t).year());
        registerCase(c, actorOf(clerk), at(t));
        // Work the case as far as its age allows; stop at a stage picked at random.
        const int stage = ageDays < 2   ? rng.below(2)
                          : ageDays < 8 ? 1 + rng.below(4)
                                        : 1 + rng.below(7);
        if (cityIntake) {
          Command push;
          push.action = Action::PushToCounty;
          apply(c, push, actorOf(userNamed(users, "city.dispatcher")), at(t += 1800));
        }
        if (stage >= 1 && !(ageDays > 10 && rng.below(6) == 0)) {  // a few are left undispatched
          Command d;
          d.action = Action::Dispatch;
          for (const char* h : spec.handlers) {
            const Handler handler = *handlerFromKey(h);
            const OrgUnit* u = handler == Handler::StreetOffice
                                   ? ref->org.find(c.streetId)
                                   : ref->org.handlerUnit(county, handler);
            if (u) d.targets.push_back({u->id, {spec.code}});
          }
          apply(c, d, actorOf(dispatcher), at(t += kDay * (1 + rng.below(3))));
          for (Assignment& a : c.assignments) {
            if (!a.live()) continue;
            const Actor handler = actorOf(userNamed(users, handlerLogin(a.unitId)));
            Command cmd;
            cmd.assignmentId = a.id;
            if (stage >= 2 && rng.below(10) == 0) {
              cmd.action = Action::Return;
              cmd.reason = "该事项不属于本单位职责，请重新分转";
              apply(c, cmd, handler, at(t += 3600));
              continue;
            }
            if (stage < 2) continue;
            cmd.action = Action::Accept;
            apply(c, cmd, handler, at(t += 3600 * (1 + rng.below(20))));
            if (stage < 3) continue;
            cmd.action = Action::Resolve;
            cmd.substantiated = rng.below(4) != 0;
            cmd.text = *cmd.substantiated
                           ? "经现场核查情况属实，已督促物业服务企业整改完毕，并电话答复投诉人"
                           : "经现场核查，反映情况与实际不符，已向投诉人解释说明";
            apply(c, cmd, handler, at(t += kDay * (1 + rng.below(6))));
            if (stage < 4) continue;
            if (a.needsCoSign()) {
              Command sign;
              sign.assignmentId = a.id;
              sign.text = "经核实已办结，同意销号";
              sign.action = Action::CoSignStreet;
              apply(c, sign, actorOf(userNamed(users, c.streetId + ".head")), at(t += 3600));
              sign.action = Action::CoSignHousing;
              apply(c, sign, actorOf(userNamed(users, county + ".housing.head")), at(t += 3600));
              if (stage < 5) continue;
              Command submit;
              submit.action = Action::SubmitReview;
              submit.assignmentId = a.id;
              apply(c, submit, actorOf(dispatcher), at(t += 3600));
            } else {
              if (stage < 5) continue;
              Command submit;
              submit.action = Action::SubmitReview;
              submit.assignmentId = a.id;
              apply(c, submit, handler, at(t += 3600));
            }
            if (stage < 6) continue;
            Command approve;
            approve.action = Action::Approve;
            approve.assignmentId = a.id;
            const std::string reviewer =
                a.needsCoSign() ? "city.reviewer"
                                : "city." + std::string(handlerKey(a.handler)) + ".reviewer";
            apply(c, approve, actorOf(userNamed(users, reviewer)), at(t += kDay));
          }
        }
        CaseStore::insert(tx, c, std::min(t, now));
        appendAudit(tx, {c.registeredAt, idOfLogin.at(clerk.login), clerk.unitId, "case.register",
                         "case:" + c.id, "演示数据"});
      });
    } catch (const Error& e) {
      // A generated path the workflow refuses is a bug in this generator: say so, keep going.
      logWarn("demo", "case " + std::to_string(i) + " not seeded: " + e.what());
    }
  }
  logInfo("demo", "seeded " + std::to_string(users.size()) + " users and " + std::to_string(cases) +
                      " cases (password for every demo account: " + kDemoPassword + ")");
}

}  // namespace pcs::server
