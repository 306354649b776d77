#include "csv_reader.h"

#include <iconv.h>

#include "pcs/error.h"
#include "pcs/loose_date.h"
#include "pcs/utf8.h"

namespace pcs::server {
namespace {

// The offset of the first byte that is not well-formed UTF-8, or npos.
size_t firstBadUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t at = i;
    const char32_t cp = utf8::decodeNext(s, i);
    if (cp == utf8::kReplacement && s.compare(at, 3, "\xEF\xBF\xBD") != 0) return at;
  }
  return std::string_view::npos;
}

std::string fromGb18030(std::string_view bytes, size_t utf8Bad) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1))
    throw Error(ErrorCode::Unavailable, "服务器不支持 GB18030 解码");
  // A GB18030 character of 1, 2 or 4 bytes is 1, 3 or at most 4 bytes of UTF-8: twice the input
  // is always room enough, so iconv stops only at a byte it cannot decode.
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t inLeft = bytes.size();
  char* o = out.data();
  size_t outLeft = out.size();
  const size_t rc = iconv(cd, &in, &inLeft, &o, &outLeft);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1)) {
    const size_t at = bytes.size() - inLeft;
    throw Error(ErrorCode::InvalidInput,
                "CSV 文件既不是有效的 UTF-8 编码（第 " + std::to_string(utf8Bad + 1) +
                    " 字节有误），也不是有效的 GB18030 编码（第 " + std::to_string(at + 1) +
                    " 字节有误）；请另存为 UTF-8 或 GB18030 编码的 CSV");
  }
  out.resize(out.size() - outLeft);
  return out;
}

}  // namespace

std::string csvToUtf8(std::string_view bytes, std::string& encoding) {
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
    const size_t bad = firstBadUtf8(bytes);
    if (bad != std::string_view::npos)
      throw Error(ErrorCode::InvalidInput, "CSV 文件标明为 UTF-8，但第 " + std::to_string(bad + 4) +
                                               " 字节不是有效的 UTF-8");
    encoding = "utf-8-bom";
    return std::string(bytes);
  }
  const size_t bad = firstBadUtf8(bytes);
  if (bad == std::string_view::npos) {
    encoding = "utf-8";
    return std::string(bytes);
  }
  encoding = "gb18030";
  return fromGb18030(bytes, bad);
}

SheetData readCsv(std::string_view bytes) {
  SheetData d;
  d.format = "csv";
  const std::string text = csvToUtf8(bytes, d.encoding);
  if (text.find('\0') != std::string::npos)
    throw Error(ErrorCode::InvalidInput, "CSV 文件含有空字符（NUL），不是文本文件");

  SheetRow row;
  row.number = 1;
  std::string cell;
  bool quoted = false, any = false;
  auto endCell = [&] {
    if (row.cells.size() < kMaxSheetColumns) {
      if (cell.size() > kMaxCellBytes)
        throw Error(ErrorCode::InvalidInput, "第 " + std::to_string(row.number) +
                                                 " 行有单元格超过 " +
                                                 std::to_string(kMaxCellBytes) + " 字节");
      row.cells.push_back(normaliseCell(cell));
    }
    cell.clear();
  };
  auto endRow = [&](int64_t nextNumber) {
    endCell();
    bool content = false;
    for (const std::string& c : row.cells) content = content || !c.empty();
    if (content) {
      if (d.rows.size() >= kMaxSheetRows)
        throw Error(ErrorCode::InvalidInput,
                    "文件超过 " + std::to_string(kMaxSheetRows) + " 行，请拆分后分批导入");
      while (!row.cells.empty() && row.cells.back().empty()) row.cells.pop_back();
      d.rows.push_back(std::move(row));
    }
    row = SheetRow{};
    row.number = nextNumber;
  };
  int64_t record = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    any = true;
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (cell.size() <= kMaxCellBytes) cell += c;
      }
    } else if (c == '"' && cell.empty()) {
      quoted = true;
    } else if (c == ',') {
      endCell();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      endRow(++record);
      any = false;
    } else if (cell.size() <= kMaxCellBytes) {
      cell += c;
    }
  }
  if (quoted)
    throw Error(ErrorCode::InvalidInput,
                "CSV 文件第 " + std::to_string(row.number) + " 行的引号没有闭合");
  if (any) endRow(record + 1);
  return d;
}

}  // namespace pcs::server
