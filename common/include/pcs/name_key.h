#pragma once
// Matching estate and company names that a ledger spells slightly differently.
//
// nameKey() folds the spellings of one name together: full-width ASCII and U+3000 become ASCII
// (normaliseWidth), blanks go, ASCII letters are lower-cased, anything in brackets （）() 【】[]
// goes with the brackets (a branch such as "（东湖分公司）"), and a company's legal-form suffix
// goes: 股份有限公司, 有限责任公司, 有限公司, 公司 (and, for an estate, nothing else).
// So "云川恒信物业管理有限公司", "云川恒信物业管理有限责任公司（东湖分公司）" and
// "云川恒信物业管理 公司" share one key.
//
// namesNear() says two keys that still differ are probably one name: one edit apart (insert,
// delete or replace one character) when both have at least 4 characters, or one contained in
// the other when the shorter has at least 4 characters (a city prefix: "云川市安居物业服务").

#include <string>
#include <string_view>

namespace pcs {

enum class NameKind { Estate, Company };

std::string nameKey(std::string_view name, NameKind kind);

bool namesNear(std::string_view keyA, std::string_view keyB);

}  // namespace pcs
