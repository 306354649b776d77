#include "ledger_sheet.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "pcs/date.h"
#include "pcs/error.h"
#include "pcs/loose_date.h"
#include "pcs/name_key.h"
#include "pcs/utf8.h"

namespace pcs::server {
namespace {

struct FieldNames {
  const char* key;
  std::vector<const char*> names;
};

// What ledgers call each field. The first name is ours.
const std::vector<FieldNames>& fieldNames() {
  static const std::vector<FieldNames> list = {
      {"external_ref",
       {"编号", "工单号", "工单编号", "案件编号", "投诉编号", "受理编号", "登记编号", "单号"}},
      {"complainant_name",
       {"投诉人", "来电人", "投诉人姓名", "姓名", "反映人", "来访人", "诉求人", "联系人"}},
      {"complainant_contact",
       {"联系方式", "电话", "联系电话", "来电号码", "电话号码", "手机", "手机号", "手机号码",
        "联系人电话", "投诉人电话", "来电人电话", "投诉人联系方式"}},
      {"received_at",
       {"投诉时间", "受理时间", "来电时间", "登记时间", "反映时间", "投诉日期", "受理日期",
        "来电日期", "登记日期", "日期", "时间"}},
      {"content",
       {"投诉内容", "诉求内容", "问题描述", "反映内容", "来电内容", "投诉事项", "反映问题", "内容",
        "诉求", "问题"}},
      {"estate_name", {"小区", "小区名称", "所在小区", "项目名称", "物业项目", "住宅小区"}},
      {"company_name",
       {"物业服务企业", "物业公司", "物业企业", "物业服务公司", "被投诉企业", "物业服务单位",
        "服务企业"}},
      {"location", {"地址", "详细地址", "具体地址", "发生地点", "地点", "位置", "楼栋"}},
      {"channel",
       {"来源渠道", "渠道", "来源", "受理渠道", "投诉渠道", "投诉方式", "来电方式", "受理方式"}},
  };
  return list;
}

// A header or label as compared: width folded, blanks and bracketed notes gone, no trailing
// colon or asterisk.
std::string foldLabel(const std::string& text) {
  std::string s = nameKey(text, NameKind::Estate);
  while (!s.empty() && (s.back() == ':' || s.back() == '*')) s.pop_back();
  while (!s.empty() && s.front() == '*') s.erase(s.begin());
  return s;
}

// The item of `names` the label is or, when short, contains (the longest); -1 for none.
int matchLabel(const std::string& label, const std::vector<const char*>& names, size_t& length) {
  int best = -1;
  length = 0;
  const size_t chars = utf8::length(label);
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string name = names[i];
    const size_t n = utf8::length(name);
    if (label == name) {
      length = 1000;  // an exact name beats any containment
      return static_cast<int>(i);
    }
    if (chars <= 8 && label.find(name) != std::string::npos && n > length) {
      best = static_cast<int>(i);
      length = n;
    }
  }
  return best;
}

std::string cellAt(const SheetRow& row, int column) {
  return column >= 0 && static_cast<size_t>(column) < row.cells.size() ? row.cells[column] : "";
}

std::string formatSeconds(int64_t at) {
  const std::string hm = formatCst(at);
  const int64_t ss = ((at % 60) + 60) % 60;
  return hm + ":" + (ss < 10 ? "0" : "") + std::to_string(ss);
}

}  // namespace

const std::vector<LedgerField>& ledgerFields() {
  static const std::vector<LedgerField> list = {
      {"external_ref", "编号"},
      {"complainant_name", "投诉人"},
      {"complainant_contact", "联系方式"},
      {"received_at", "投诉时间"},
      {"content", "投诉内容"},
      {"estate_name", "小区"},
      {"company_name", "物业服务企业"},
      {"location", "地址"},
      {"channel", "来源渠道"},
  };
  return list;
}

namespace {

// The field a header names and how surely: 1000 for an exact name, else the length of the name
// it contains.
std::string fieldForHeader(const std::string& header, size_t& bestLength) {
  const std::string label = foldLabel(header);
  bestLength = 0;
  if (label.empty()) return "";
  std::string best;
  for (const FieldNames& f : fieldNames()) {
    size_t length = 0;
    if (matchLabel(label, f.names, length) >= 0 && length > bestLength) {
      best = f.key;
      bestLength = length;
    }
  }
  return best;
}

}  // namespace

std::string fieldForHeader(const std::string& header) {
  size_t strength = 0;
  return fieldForHeader(header, strength);
}

SheetLayout layoutAt(const SheetData& sheet, int64_t headerRow) {
  const SheetRow* header = nullptr;
  for (const SheetRow& r : sheet.rows)
    if (r.number == headerRow) header = &r;
  if (!header)
    throw Error(ErrorCode::InvalidInput,
                "第 " + std::to_string(headerRow) + " 行是空行或不存在，不能作为表头");
  SheetLayout layout;
  layout.headerRow = headerRow;
  layout.headers = header->cells;
  // Each field goes to the column that names it most surely (an exact name over a containing
  // one: 受理时间 over 办结时间), the leftmost among equals.
  std::map<std::string, size_t> strengthOf;
  for (size_t c = 0; c < header->cells.size(); ++c) {
    size_t strength = 0;
    const std::string field = fieldForHeader(header->cells[c], strength);
    if (field.empty() || strength <= strengthOf[field]) continue;
    strengthOf[field] = strength;
    layout.mapping[field] = static_cast<int>(c);
  }
  return layout;
}

SheetLayout detectLayout(const SheetData& sheet) {
  int64_t best = 0;
  size_t bestScore = 1;  // a header names at least two fields
  const size_t n = std::min<size_t>(sheet.rows.size(), kHeaderSearchRows);
  for (size_t i = 0; i < n; ++i) {
    std::set<std::string> fields;
    for (const std::string& cell : sheet.rows[i].cells)
      if (std::string f = fieldForHeader(cell); !f.empty()) fields.insert(f);
    if (fields.size() > bestScore) {
      bestScore = fields.size();
      best = sheet.rows[i].number;
    }
  }
  if (best == 0) return SheetLayout{};
  return layoutAt(sheet, best);
}

std::optional<std::string> channelKeyFromLabel(const std::string& text) {
  static const std::vector<std::pair<const char*, std::vector<const char*>>> labels = {
      {"hotline_12345", {"12345热线", "12345", "市长热线", "热线", "便民热线", "12345转办"}},
      {"higher_level", {"上级转办", "上级交办", "转办", "交办", "督办"}},
      {"phone", {"电话", "来电", "电话投诉", "座机", "手机", "phone"}},
      {"visit", {"来访", "上门", "现场", "走访", "窗口", "visit"}},
      {"mailbox", {"邮箱", "信箱", "来信", "电子邮件", "邮件", "信件", "mailbox"}},
      {"online", {"网上", "网络", "网站", "微信", "小程序", "网上投诉", "online"}},
  };
  const std::string label = foldLabel(text);
  for (const char* key : {"open311", "hotline_12345", "higher_level"})
    if (label == key) return std::string(key);
  std::string best;
  size_t bestLength = 0;
  for (const auto& [key, names] : labels) {
    size_t length = 0;
    if (matchLabel(label, names, length) >= 0 && length > bestLength) {
      best = key;
      bestLength = length;
    }
  }
  if (best.empty()) return std::nullopt;
  return best;
}

std::vector<ImportRow> convertRows(const SheetData& sheet, const SheetLayout& layout,
                                   const std::string& defaultChannel,
                                   std::vector<int64_t>& emptyRows) {
  std::vector<ImportRow> rows;
  auto column = [&](const char* field) {
    auto it = layout.mapping.find(field);
    return it == layout.mapping.end() ? -1 : it->second;
  };
  int64_t previous = layout.headerRow;
  for (const SheetRow& sr : sheet.rows) {
    if (sr.number <= layout.headerRow) continue;
    for (int64_t n = previous + 1; n < sr.number; ++n) emptyRows.push_back(n);
    previous = sr.number;
    ImportRow r;
    r.row = sr.number;
    std::vector<std::string> problems;
    auto take = [&](const char* field, const char* label, size_t max) {
      std::string v = cellAt(sr, column(field));
      if (v.size() > max) {
        problems.push_back(std::string(label) + "超过 " + std::to_string(max) + " 字节");
        v.clear();
      }
      return v;
    };
    r.externalRef = take("external_ref", "编号", 64);
    r.complainantName = take("complainant_name", "投诉人", 200);
    r.complainantContact = take("complainant_contact", "联系方式", 200);
    r.content = take("content", "投诉内容", 20000);
    r.estateName = take("estate_name", "小区", 200);
    r.companyName = take("company_name", "物业服务企业", 200);
    r.location = take("location", "地址", 1000);
    const std::string when = take("received_at", "投诉时间", 100);
    if (!when.empty()) {
      const LooseTime t = parseLooseTime(when);
      if (t.at)
        r.receivedAt = formatSeconds(*t.at);
      else
        problems.push_back(t.error);
    }
    const std::string channel = take("channel", "来源渠道", 100);
    if (channel.empty()) {
      r.channel = defaultChannel;
    } else if (auto key = channelKeyFromLabel(channel)) {
      r.channel = *key;
    } else {
      problems.push_back("来源渠道“" + channel +
                         "”无法识别，可填：电话、12345热线、来访、信箱、网上、上级转办");
    }
    for (const std::string& p : problems) r.readError += (r.readError.empty() ? "" : "；") + p;
    rows.push_back(std::move(r));
  }
  return rows;
}

// ---- names ------------------------------------------------------------------------------------

namespace {

struct Record {
  std::string id, name, key;
};

std::vector<Record> records(SQLite::Database& db, NameKind kind, const std::string& countyId) {
  std::vector<Record> list;
  const bool scoped = kind == NameKind::Estate && !countyId.empty();
  SQLite::Statement q(db, kind == NameKind::Company ? "SELECT id, name FROM companies ORDER BY id"
                          : scoped ? "SELECT id, name FROM estates WHERE county_id = ? ORDER BY id"
                                   : "SELECT id, name FROM estates ORDER BY id");
  if (scoped) q.bind(1, countyId);
  while (q.executeStep()) {
    Record r{q.getColumn(0).getString(), q.getColumn(1).getString(), ""};
    r.key = nameKey(r.name, kind);
    list.push_back(std::move(r));
  }
  return list;
}

void resolveKind(SQLite::Database& db, const std::string& countyId, NameKind kind,
                 std::vector<ImportRow>& rows, NameReport& report) {
  const char* kindKey = kind == NameKind::Estate ? "estate" : "company";
  const std::vector<Record> known = records(db, kind, countyId);
  std::set<std::string> exact;
  std::multimap<std::string, const Record*> byKey;
  for (const Record& r : known) {
    exact.insert(r.name);
    byKey.emplace(r.key, &r);
  }

  std::map<std::string, size_t> matchOf;  // spelling -> index in report.matched
  struct Unknown {
    std::vector<std::string> spellings;
    std::vector<int64_t> rows;
  };
  std::map<std::string, Unknown> unknown;  // key -> spellings
  std::vector<std::string> keyOrder;
  for (ImportRow& row : rows) {
    std::string& name = kind == NameKind::Estate ? row.estateName : row.companyName;
    std::string& id = kind == NameKind::Estate ? row.estateId : row.companyId;
    if (name.empty() || !id.empty() || exact.count(name)) continue;
    const std::string key = nameKey(name, kind);
    std::vector<const Record*> same;
    for (auto [it, end] = byKey.equal_range(key); it != end; ++it) same.push_back(it->second);
    if (same.size() == 1) {
      auto [it, fresh] = matchOf.emplace(name, report.matched.size());
      if (fresh) report.matched.push_back({kindKey, name, same[0]->id, same[0]->name, {}});
      report.matched[it->second].rows.push_back(row.row);
      id = same[0]->id;
      name.clear();
    } else if (same.size() > 1) {
      std::string list;
      for (const Record* r : same)
        list += (list.empty() ? "" : "、") + r->name + "（" + r->id + "）";
      if (row.readError.empty())
        row.readError = std::string(kind == NameKind::Estate ? "小区" : "物业服务企业") + "名称“" +
                        name + "”可能是以下任一个：" + list + "，请在台账中写明全称";
    } else {
      auto [it, fresh] = unknown.try_emplace(key);
      if (fresh) keyOrder.push_back(key);
      if (std::find(it->second.spellings.begin(), it->second.spellings.end(), name) ==
          it->second.spellings.end())
        it->second.spellings.push_back(name);
      it->second.rows.push_back(row.row);
    }
  }

  // Unknown keys that are near each other form one group (union-find over first-seen order).
  std::vector<size_t> parent(keyOrder.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (size_t i = 0; i < keyOrder.size(); ++i)
    for (size_t j = i + 1; j < keyOrder.size(); ++j)
      if (namesNear(keyOrder[i], keyOrder[j])) parent[root(j)] = root(i);
  for (size_t i = 0; i < keyOrder.size(); ++i) {
    if (root(i) != i) continue;
    NameMerge m;
    m.kind = kindKey;
    std::vector<std::string> keys;
    for (size_t j = 0; j < keyOrder.size(); ++j)
      if (root(j) == i) {
        const Unknown& u = unknown[keyOrder[j]];
        keys.push_back(keyOrder[j]);
        m.spellings.insert(m.spellings.end(), u.spellings.begin(), u.spellings.end());
        m.rows.insert(m.rows.end(), u.rows.begin(), u.rows.end());
      }
    std::sort(m.rows.begin(), m.rows.end());
    for (const Record& r : known)
      for (const std::string& k : keys)
        if (m.existingId.empty() && namesNear(k, r.key)) {
          m.existingId = r.id;
          m.existingName = r.name;
        }
    if (m.spellings.size() < 2 && m.existingId.empty()) continue;
    std::string list;
    for (const std::string& s : m.spellings) list += (list.empty() ? "“" : "、“") + s + "”";
    const char* what = kind == NameKind::Estate ? "同一个小区" : "同一家物业服务企业";
    m.message = m.spellings.size() > 1 ? "这 " + std::to_string(m.spellings.size()) +
                                             " 种写法看起来是" + what + "：" + list
                                       : list + "看起来是" + what;
    m.message += m.existingId.empty() ? "；系统中没有找到它，请先登记或统一台账中的写法"
                                      : "，可能就是已登记的“" + m.existingName + "”（" +
                                            m.existingId + "），请核对后统一台账中的写法";
    report.proposedMerges.push_back(std::move(m));
  }
}

}  // namespace

NameReport resolveNames(SQLite::Database& db, const std::string& countyId,
                        std::vector<ImportRow>& rows) {
  NameReport report;
  resolveKind(db, countyId, NameKind::Estate, rows, report);
  resolveKind(db, countyId, NameKind::Company, rows, report);
  return report;
}

}  // namespace pcs::server
