#include "pcs/case.h"

namespace pcs {

const char* channelKey(Channel c) {
  switch (c) {
    case Channel::Phone:
      return "phone";
    case Channel::Mailbox:
      return "mailbox";
    case Channel::Hotline12345:
      return "hotline_12345";
    case Channel::Visit:
      return "visit";
    case Channel::Online:
      return "online";
    case Channel::HigherLevel:
      return "higher_level";
    case Channel::Open311:
      return "open311";
  }
  return "phone";
}

const char* channelZh(Channel c) {
  switch (c) {
    case Channel::Phone:
      return "电话";
    case Channel::Mailbox:
      return "邮箱";
    case Channel::Hotline12345:
      return "12345热线";
    case Channel::Visit:
      return "来访";
    case Channel::Online:
      return "网上";
    case Channel::HigherLevel:
      return "上级转办";
    case Channel::Open311:
      return "系统对接";
  }
  return "";
}

std::optional<Channel> channelFromKey(std::string_view key) {
  for (Channel c : {Channel::Phone, Channel::Mailbox, Channel::Hotline12345, Channel::Visit,
                    Channel::Online, Channel::HigherLevel, Channel::Open311})
    if (key == channelKey(c)) return c;
  return std::nullopt;
}

const char* caseStateKey(CaseState s) {
  switch (s) {
    case CaseState::Registered:
      return "registered";
    case CaseState::Dispatched:
      return "dispatched";
    case CaseState::InProgress:
      return "in_progress";
    case CaseState::Resolved:
      return "resolved";
    case CaseState::UnderReview:
      return "under_review";
    case CaseState::Closed:
      return "closed";
    case CaseState::Merged:
      return "merged";
  }
  return "registered";
}

const char* caseStateZh(CaseState s) {
  switch (s) {
    case CaseState::Registered:
      return "待分转";
    case CaseState::Dispatched:
      return "已分转";
    case CaseState::InProgress:
      return "办理中";
    case CaseState::Resolved:
      return "已办结";
    case CaseState::UnderReview:
      return "待审核";
    case CaseState::Closed:
      return "已销号";
    case CaseState::Merged:
      return "已合并";
  }
  return "";
}

const char* assignmentStateKey(AssignmentState s) {
  switch (s) {
    case AssignmentState::Dispatched:
      return "dispatched";
    case AssignmentState::Accepted:
      return "accepted";
    case AssignmentState::Returned:
      return "returned";
    case AssignmentState::PlanSubmitted:
      return "plan_submitted";
    case AssignmentState::Resolved:
      return "resolved";
    case AssignmentState::CoSigned:
      return "co_signed";
    case AssignmentState::UnderReview:
      return "under_review";
    case AssignmentState::Closed:
      return "closed";
  }
  return "dispatched";
}

const char* assignmentStateZh(AssignmentState s) {
  switch (s) {
    case AssignmentState::Dispatched:
      return "待签收";
    case AssignmentState::Accepted:
      return "办理中";
    case AssignmentState::Returned:
      return "已退回";
    case AssignmentState::PlanSubmitted:
      return "按方案推进";
    case AssignmentState::Resolved:
      return "已办结答复";
    case AssignmentState::CoSigned:
      return "已会签";
    case AssignmentState::UnderReview:
      return "待审核";
    case AssignmentState::Closed:
      return "已销号";
  }
  return "";
}

const char* satisfactionKey(Satisfaction s) {
  switch (s) {
    case Satisfaction::Satisfied:
      return "satisfied";
    case Satisfaction::BasicallySatisfied:
      return "basically_satisfied";
    case Satisfaction::Unsatisfied:
      return "unsatisfied";
    case Satisfaction::Unreachable:
      return "unreachable";
  }
  return "unreachable";
}

const char* satisfactionZh(Satisfaction s) {
  switch (s) {
    case Satisfaction::Satisfied:
      return "满意";
    case Satisfaction::BasicallySatisfied:
      return "基本满意";
    case Satisfaction::Unsatisfied:
      return "不满意";
    case Satisfaction::Unreachable:
      return "未接通";
  }
  return "";
}

std::optional<Satisfaction> satisfactionFromKey(std::string_view key) {
  for (Satisfaction s : {Satisfaction::Satisfied, Satisfaction::BasicallySatisfied,
                         Satisfaction::Unsatisfied, Satisfaction::Unreachable})
    if (key == satisfactionKey(s)) return s;
  return std::nullopt;
}

const Assignment* Case::assignment(int id) const {
  for (const Assignment& a : assignments)
    if (a.id == id) return &a;
  return nullptr;
}

Assignment* Case::assignment(int id) {
  for (Assignment& a : assignments)
    if (a.id == id) return &a;
  return nullptr;
}

std::optional<bool> Case::substantiated() const {
  std::optional<bool> result;
  for (const Assignment& a : assignments) {
    if (!a.live() || !a.substantiated) continue;
    if (*a.substantiated) return true;
    result = false;
  }
  return result;
}

}  // namespace pcs
