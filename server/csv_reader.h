#pragma once
// CSV ledgers: the encoding detected (UTF-8 with or without BOM, else GB18030 decoded with
// glibc's iconv), then comma-separated records with RFC 4180 quoting ("a,b", "say ""hi""",
// line breaks inside quotes). A record's number is its position in the file (from 1), which is
// the row number a spreadsheet program shows. Bytes that are neither UTF-8 nor GB18030 are
// refused with the offset of the first bad byte.

#include <string>
#include <string_view>

#include "sheet_reader.h"

namespace pcs::server {

// Converts to UTF-8 and says which encoding it was ("utf-8", "utf-8-bom", "gb18030").
std::string csvToUtf8(std::string_view bytes, std::string& encoding);

SheetData readCsv(std::string_view bytes);

}  // namespace pcs::server
