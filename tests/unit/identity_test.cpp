// Complainant identity (R9) and masking (R18): one person however the number was typed.

#include "pcs/identity.h"

#include <doctest/doctest.h>

#include <string>

using pcs::complainantKey;
using pcs::ContactKind;
using pcs::maskComplainantKey;
using pcs::maskContact;
using pcs::maskName;
using pcs::normaliseContact;
using pcs::normaliseName;

TEST_CASE("identity: one mobile in every spelling is one key") {
  const char* spellings[] = {
      "13800138000",
      "+86 138 0013 8000",
      "8613800138000",
      "008613800138000",
      "138-0013-8000",
      "１３８００１３８０００",              // full-width digits
      "＋８６　１３８－００１３－８０００",  // full-width plus, ideographic space, dash
      "+86—138—0013—8000",                   // em dashes from a Chinese input method
      "(+86) 138.0013.8000",
      "（＋８６）１３８ ００１３ ８０００",  // full-width brackets
      " 138 0013 8000 ",
      "013800138000",  // a 0 dialled before a mobile from another city
      "+86 13800138000",
      "0086-138-0013-8000",
      "手机：13800138000",
      "Tel: 138 0013 8000",
      "13800138000（张先生）",
      "\xE2\x80\x8B"
      "13800138000",  // zero-width space pasted from a web page
  };
  for (const char* s : spellings) {
    CAPTURE(s);
    const pcs::ContactKey k = normaliseContact(s);
    CHECK(k.kind == ContactKind::Mobile);
    CHECK(k.key == "m:13800138000");
  }
  CHECK(normaliseContact("13900139000").key != normaliseContact("13800138000").key);
}

TEST_CASE("identity: a landline with its area code in three spellings is one key") {
  const char* spellings[] = {
      "0355-1234567",
      "(0355)1234567",
      "0355 123 4567",
      "+86 355 1234567",
      "+86 0355 1234567",
      "0086 355 1234567",
      "（０３５５）１２３４５６７",
      "0355—1234567",
      "86-355-1234567",
  };
  for (const char* s : spellings) {
    CAPTURE(s);
    const pcs::ContactKey k = normaliseContact(s);
    CHECK(k.kind == ContactKind::Landline);
    CHECK(k.key == "l:0355-1234567");
  }
}

TEST_CASE("identity: three-digit area codes and eight-digit numbers") {
  CHECK(normaliseContact("010-12345678").key == "l:010-12345678");
  CHECK(normaliseContact("+86 10 1234 5678").key == "l:010-12345678");
  CHECK(normaliseContact("(021) 6123 4567").key == "l:021-61234567");
  // Grouped as 4 + 4 digits: an eight-digit subscriber number, not an extension.
  CHECK(normaliseContact("0355-1234-5678").key == "l:0355-12345678");
}

TEST_CASE("identity: extensions are part of a landline's key") {
  const char* spellings[] = {
      "0355-1234567转8021",     "0355-1234567 转 8021", "0355-1234567分机8021",
      "0355-1234567 ext. 8021", "0355-1234567x8021",    "(0355)1234567#8021",
      "0355-1234567-8021",      "0355 123 4567-8021",
  };
  for (const char* s : spellings) {
    CAPTURE(s);
    CHECK(normaliseContact(s).key == "l:0355-1234567x8021");
  }
  CHECK(normaliseContact("0355-1234567-8021").key != normaliseContact("0355-1234567").key);
  // A mobile has no extension: the person is the same.
  CHECK(normaliseContact("13800138000转1").key == "m:13800138000");
}

TEST_CASE("identity: a local number matches its area-coded form only when the area is known") {
  CHECK(normaliseContact("1234567").key == "l:1234567");
  CHECK(normaliseContact("123 4567", "0355").key == "l:0355-1234567");
  CHECK(normaliseContact("1234567", "355").key == "l:0355-1234567");
  CHECK(normaliseContact("0351-1234567", "0355").key == "l:0351-1234567");
}

TEST_CASE("identity: e-mail is trimmed and lower-cased") {
  const pcs::ContactKey k = normaliseContact("  Zhang.San@QQ.com ");
  CHECK(k.kind == ContactKind::Email);
  CHECK(k.key == "e:zhang.san@qq.com");
  CHECK(normaliseContact("ＺＨＡＮＧ．ＳＡＮ＠ＱＱ．ＣＯＭ").key == "e:zhang.san@qq.com");
  CHECK(normaliseContact("邮箱：zhang.san@qq.com。").key == "e:zhang.san@qq.com");
}

TEST_CASE("identity: unrecognised contacts still match their own respellings") {
  const pcs::ContactKey hotline = normaliseContact("400-123-4567");
  CHECK(hotline.kind == ContactKind::Other);
  CHECK(hotline.key == "p:4001234567");
  CHECK(normaliseContact("400 123 4567").key == hotline.key);
  CHECK(normaliseContact("+44 20 7946 0000").key == "p:+442079460000");
  CHECK(normaliseContact("0044 20 7946 0000").key == "p:+442079460000");
  // Two numbers side by side are not guessed at.
  CHECK(normaliseContact("13800138000，13900139000").kind == ContactKind::Other);
  CHECK(normaliseContact("微信 ZhangSan").key == "o:微信zhangsan");
}

TEST_CASE("identity: blank contacts are empty") {
  for (const char* s : {"", "   ", "　", "手机：", "\t\n"}) {
    CAPTURE(s);
    CHECK(normaliseContact(s).kind == ContactKind::Empty);
    CHECK(normaliseContact(s).key.empty());
  }
}

TEST_CASE("identity: placeholder contacts are empty, so the name is used") {
  for (const char* s : {"无", "-", "/", "不详", "未留电话", "11111111111", "0", "手机：无"}) {
    CAPTURE(s);
    CHECK(normaliseContact(s).kind == ContactKind::Empty);
  }
  CHECK(complainantKey("张三", "无") == "n:张三");
  CHECK(complainantKey("李四", "00000000000") == "n:李四");
  // A QQ number is not a telephone number.
  CHECK(normaliseContact("QQ:12345678").kind == ContactKind::Other);
}

TEST_CASE("identity: complainant key prefers the contact, then the name") {
  CHECK(complainantKey("张三", "138 0013 8000") == "m:13800138000");
  CHECK(complainantKey("张先生", "+8613800138000") == complainantKey("张三", "13800138000"));
  CHECK(complainantKey(" 张 三 ", "") == "n:张三");
  CHECK(complainantKey("张　三", "  ") == "n:张三");
  CHECK(complainantKey("Ｌｉ Ｍｉｎｇ", "") == "n:liming");
  CHECK(complainantKey("阿卜杜•热合曼", "") == complainantKey("阿卜杜·热合曼", ""));
  // A name without a contact is never merged with the same name with a contact.
  CHECK(complainantKey("张三", "") != complainantKey("张三", "13800138000"));
  // Placeholders are no name: such complaints count once each, not as one "匿名" person.
  CHECK(complainantKey("匿名", "") == "");
  CHECK(complainantKey("不详", "") == "");
  CHECK(complainantKey("", "") == "");
  CHECK(complainantKey("-", "") == "");
  CHECK(normaliseName("  王小明 ") == "王小明");
}

TEST_CASE("identity: the rule is stated in Chinese") {
  const std::string rule = pcs::complainantRuleZh();
  CHECK(rule.find("同一人举报不重复计入") != std::string::npos);
  CHECK(rule.find("手机号") != std::string::npos);
}

TEST_CASE("identity: masking of names counts characters, not bytes") {
  CHECK(maskName("张三") == "张*");
  CHECK(maskName("王小明") == "王**");
  CHECK(maskName("欧阳明华") == "欧***");
  CHECK(maskName("张") == "*");
  CHECK(maskName(" 张三 ") == "张*");
  CHECK(maskName("") == "");
  CHECK(maskName("Li") == "L*");
  // Broken UTF-8 is masked byte by byte and never read past the end.
  CHECK(maskName("\xE5\xBC") == "\xE5*");
}

TEST_CASE("identity: masking of contacts") {
  CHECK(maskContact("13800138000") == "138****8000");
  CHECK(maskContact("+86 138 0013 8000") == "138****8000");
  CHECK(maskContact("１３８００１３８０００") == "138****8000");
  CHECK(maskContact("(0355)1234567") == "0355-****567");
  CHECK(maskContact("010-12345678转21") == "010-*****678");
  CHECK(maskContact("zhang.san@qq.com") == "z***@qq.com");
  CHECK(maskContact("") == "");
  CHECK(maskContact("400-123-4567") == "40******67");
}

TEST_CASE("identity: masking of complainant keys for evidence lists") {
  CHECK(maskComplainantKey("m:13800138000") == "138****8000");
  CHECK(maskComplainantKey("l:0355-1234567x8021") == "0355-****567");
  CHECK(maskComplainantKey("l:1234567") == "****567");
  CHECK(maskComplainantKey("n:张三") == "张*");
  CHECK(maskComplainantKey("e:zhang.san@qq.com") == "z***@qq.com");
  CHECK(maskComplainantKey(pcs::anonymousComplainantKey("C-1")) == "匿名");
  CHECK(maskComplainantKey("") == "");
}
