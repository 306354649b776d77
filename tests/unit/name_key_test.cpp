// Folding the spellings of estate and company names (pcs/name_key.h).
#include "pcs/name_key.h"

#include <doctest/doctest.h>

using namespace pcs;

TEST_CASE("name key: legal form, branch in brackets, blanks and width do not matter") {
  const std::string k = nameKey("云川恒信物业管理有限公司", NameKind::Company);
  CHECK(k == "云川恒信物业管理");
  CHECK(nameKey("云川恒信物业管理有限责任公司（东湖分公司）", NameKind::Company) == k);
  CHECK(nameKey("云川恒信物业管理(东湖分公司)有限公司", NameKind::Company) == k);
  CHECK(nameKey(" 云川恒信 物业管理公司 ", NameKind::Company) == k);
  CHECK(nameKey("云川恒信物业管理股份有限公司", NameKind::Company) == k);
  CHECK(nameKey("【旧】云川恒信物业管理", NameKind::Company) == k);
  CHECK(nameKey("ＡＢＣ物业有限公司", NameKind::Company) == "abc物业");
  // Estates keep 公司 (it is part of no estate name's legal form) but fold the rest.
  CHECK(nameKey("锦绣花园（一期）", NameKind::Estate) == "锦绣花园");
  CHECK(nameKey("锦绣\xE3\x80\x80花园", NameKind::Estate) == "锦绣花园");
  CHECK(nameKey("公司", NameKind::Company) == "公司");  // never folded to nothing
}

TEST_CASE("name key: near keys are one edit apart or one contains the other") {
  CHECK(namesNear("云川恒信物业管理", "云川恒信物业管"));
  CHECK_FALSE(namesNear("云川恒信物业管理", "云川恒信物业服务"));  // two edits: other firms
  CHECK_FALSE(namesNear("锦绣花园", "锦绣家园小区"));
  CHECK(namesNear("安居物业服务", "云川市安居物业服务"));
  CHECK(namesNear("锦绣花园", "锦秀花园"));
  CHECK_FALSE(namesNear("金桂苑", "金桂园"));  // too short to guess
  CHECK_FALSE(namesNear("翠湖小区", "春晓苑"));
}
