#include "sheet_reader.h"

#include <map>

#include "csv_reader.h"
#include "pcs/error.h"
#include "pcs/loose_date.h"
#include "xml_reader.h"
#include "zip_reader.h"

namespace pcs::server {
namespace {

[[noreturn]] void bad(const std::string& why) {
  throw Error(ErrorCode::InvalidInput, why);
}

std::string need(ZipReader& zip, const std::string& name) {
  auto part = zip.read(name);
  if (!part) bad("xlsx 文件缺少 " + name + "，不是 Excel 工作簿");
  return *part;
}

// The text of the element the reader stands on (its Start), its <t> children only, skipping
// phonetic runs (<rPh>); leaves the reader on the element's End.
std::string runText(XmlReader& x, size_t limit, const std::string& where) {
  const int depth = x.depth();
  std::string text;
  bool inT = false, inPhonetic = false;
  while (x.next()) {
    if (x.kind() == XmlReader::Kind::End && x.depth() < depth) break;
    if (x.kind() == XmlReader::Kind::Start) {
      if (x.name() == "rPh") inPhonetic = true;
      if (x.name() == "t") inT = true;
    } else if (x.kind() == XmlReader::Kind::End) {
      if (x.name() == "rPh") inPhonetic = false;
      if (x.name() == "t") inT = false;
    } else if (inT && !inPhonetic) {
      text += x.text();
      if (text.size() > limit) bad(where + "的文字超过 " + std::to_string(limit) + " 字节");
    }
  }
  return text;
}

std::vector<std::string> sharedStrings(ZipReader& zip) {
  std::vector<std::string> list;
  auto part = zip.read("xl/sharedStrings.xml");
  if (!part) return list;
  XmlReader x(*part, "xl/sharedStrings.xml");
  while (x.next()) {
    if (x.kind() != XmlReader::Kind::Start) continue;
    if (x.name() == "sst") {
      // The declared count is only checked, never used to reserve memory.
      if (auto n = x.attribute("uniqueCount"))
        if (n->size() > 9 || n->find_first_not_of("0123456789") != std::string::npos ||
            std::stoull(*n) > kMaxSharedStrings)
          bad("xlsx 文件的共享字符串数量（" + *n + "）超出上限 " +
              std::to_string(kMaxSharedStrings));
    } else if (x.name() == "si") {
      if (list.size() >= kMaxSharedStrings)
        bad("xlsx 文件的共享字符串数量超出上限 " + std::to_string(kMaxSharedStrings));
      list.push_back(runText(x, kMaxCellBytes, "共享字符串"));
    }
  }
  return list;
}

// The worksheet part of the sheet called `wanted` (the first when empty), and all sheet names.
std::string sheetPart(ZipReader& zip, std::string_view wanted, SheetData& d) {
  const std::string workbook = need(zip, "xl/workbook.xml");
  std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id
  XmlReader x(workbook, "xl/workbook.xml");
  while (x.next())
    if (x.kind() == XmlReader::Kind::Start && x.name() == "sheet" && sheets.size() < 1000)
      sheets.emplace_back(x.attribute("name").value_or(""), x.attribute("id").value_or(""));
  if (sheets.empty()) bad("xlsx 文件中没有工作表");
  size_t index = 0;
  if (!wanted.empty()) {
    index = sheets.size();
    for (size_t i = 0; i < sheets.size(); ++i)
      if (sheets[i].first == wanted) index = i;
    if (index == sheets.size()) bad("xlsx 文件中没有名为“" + std::string(wanted) + "”的工作表");
  }
  for (const auto& s : sheets) d.sheets.push_back(s.first);
  d.sheet = sheets[index].first;

  // The relationship names the part; without one, Excel's own naming is the best guess.
  std::string target = "worksheets/sheet" + std::to_string(index + 1) + ".xml";
  if (auto rels = zip.read("xl/_rels/workbook.xml.rels")) {
    XmlReader r(*rels, "xl/_rels/workbook.xml.rels");
    while (r.next())
      if (r.kind() == XmlReader::Kind::Start && r.name() == "Relationship" &&
          r.attribute("Id").value_or("") == sheets[index].second)
        target = r.attribute("Target").value_or(target);
  }
  if (target.starts_with("/"))
    target = target.substr(1);
  else
    target = "xl/" + target;
  return target;
}

struct CellRef {
  int column = -1;
  int64_t row = 0;
};
CellRef parseRef(std::string_view ref) {
  size_t i = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') ++i;
  CellRef c;
  c.column = columnIndex(ref.substr(0, i));
  const std::string digits(ref.substr(i));
  if (digits.empty() || digits.size() > 7 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return CellRef{};
  c.row = std::stoll(digits);
  return c;
}

void readWorksheet(const std::string& xml, const std::string& part,
                   const std::vector<std::string>& shared, SheetData& d) {
  XmlReader x(xml, part);
  SheetRow row;
  int64_t lastRow = 0;
  int nextColumn = 0;
  bool inRow = false;
  while (x.next()) {
    if (x.kind() == XmlReader::Kind::Start && x.name() == "row") {
      row = SheetRow{};
      const std::string r = x.attribute("r").value_or("");
      row.number = r.empty() ? lastRow + 1 : parseRef("A" + r).row;
      if (row.number <= lastRow || row.number > 1048576)
        bad(part + " 的行号“" + r + "”无效或顺序错乱");
      lastRow = row.number;
      nextColumn = 0;
      inRow = true;
    } else if (x.kind() == XmlReader::Kind::End && x.name() == "row" && inRow) {
      inRow = false;
      bool content = false;
      for (const std::string& c : row.cells) content = content || !c.empty();
      if (!content) continue;
      if (d.rows.size() >= kMaxSheetRows)
        bad("文件超过 " + std::to_string(kMaxSheetRows) + " 行，请拆分后分批导入");
      while (!row.cells.empty() && row.cells.back().empty()) row.cells.pop_back();
      d.rows.push_back(std::move(row));
    } else if (x.kind() == XmlReader::Kind::Start && x.name() == "c" && inRow) {
      int column = nextColumn;
      if (auto r = x.attribute("r")) {
        const CellRef ref = parseRef(*r);
        if (ref.column < 0 || ref.row != row.number) bad(part + " 的单元格引用“" + *r + "”无效");
        column = ref.column;
      }
      nextColumn = column + 1;
      const std::string type = x.attribute("t").value_or("n");
      // The cell's <v> or <is>; read to the cell's end.
      const int depth = x.depth();
      std::string value;
      while (x.next()) {
        if (x.kind() == XmlReader::Kind::End && x.depth() < depth) break;
        if (x.kind() == XmlReader::Kind::Start && x.name() == "is") {
          value = runText(x, kMaxCellBytes, part + " 的单元格");
        } else if (x.kind() == XmlReader::Kind::Start && x.name() == "v") {
          value.clear();
          while (x.next() && x.kind() == XmlReader::Kind::Text) value += x.text();
          if (value.size() > kMaxCellBytes) bad(part + " 有单元格超过上限");
        }
      }
      if (type == "s") {
        const std::string n = normaliseCell(value);
        if (n.empty() || n.size() > 9 || n.find_first_not_of("0123456789") != std::string::npos ||
            std::stoull(n) >= shared.size())
          bad(part + " 引用了不存在的共享字符串“" + value + "”");
        value = shared[std::stoull(n)];
      } else if (type == "b") {
        value = value == "1" ? "TRUE" : "FALSE";
      } else if (type == "e") {
        value.clear();  // #N/A and friends carry no ledger data
      }
      if (column >= static_cast<int>(kMaxSheetColumns)) continue;
      if (row.cells.size() <= static_cast<size_t>(column)) row.cells.resize(column + 1);
      row.cells[column] = normaliseCell(value);
    }
  }
}

}  // namespace

std::string columnLetters(size_t index) {
  std::string s;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26) s.insert(s.begin(), 'A' + (n - 1) % 26);
  return s;
}

int columnIndex(std::string_view letters) {
  if (letters.empty() || letters.size() > 3) return -1;
  int n = 0;
  for (char c : letters) {
    if (c < 'A' || c > 'Z') return -1;
    n = n * 26 + (c - 'A' + 1);
  }
  return n - 1 < 16384 ? n - 1 : -1;
}

SheetData readSheetFile(std::string_view bytes, std::string_view sheet) {
  if (bytes.empty()) bad("上传的文件是空的");
  if (!bytes.starts_with("PK")) return readCsv(bytes);
  SheetData d;
  d.format = "xlsx";
  d.encoding = "utf-8";
  ZipReader zip(bytes);
  const std::string part = sheetPart(zip, sheet, d);
  const std::vector<std::string> shared = sharedStrings(zip);
  const std::string xml = need(zip, part);
  readWorksheet(xml, part, shared, d);
  return d;
}

}  // namespace pcs::server
