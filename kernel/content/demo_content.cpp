// Demo publications: created, submitted and approved through ContentService.
#include "content/demo_content.hpp"

#include <nlohmann/json.hpp>

#include "content/content_service.hpp"

namespace wangban::kernel {
namespace {

struct Demo {
  const char* type;
  const char* title;
  const char* summary;
  const char* markdown;
};

const Demo kDemos[] = {
    {"notice", "关于元旦假期政务服务大厅开放时间的通知", "元旦期间网上办事不打烊，实体大厅 1 月 1 日休息。",
     "## 开放安排\n\n| 日期 | 网上办事 | 实体大厅 |\n|---|---|---|\n| 12 月 31 日 | 正常 | 9:00—17:00 |\n"
     "| 1 月 1 日 | 正常 | 休息 |\n| 1 月 2 日 | 正常 | 正常 |\n\n全程网办事项可随时在线申请，**电子证照**即时送达。"},
    {"notice", "新生儿出生“一件事”全程网办上线", "出生医学证明、户口登记、医保参保、社保卡申领一次办结。",
     "新生儿父母登录本平台，在“一件事一次办”中选择**新生儿出生**，一次填写、一次提交：\n\n"
     "1. 出生医学证明\n2. 户口登记\n3. 城乡居民医保参保\n4. 社会保障卡申领\n\n材料共享免交，办结后电子证照推送至“我的证照”。"},
    {"policy", "政务服务事项全程网办工作规范（试行）", "明确全程网办的申请、受理、审批、送达与归档要求。",
     "### 第一条\n\n申请人在线申请并完成电子签名，受理审批人员在线受理、审批并加盖个人名章。\n\n### 第二条\n\n"
     "办理结果以电子证照形式送达；办件材料经四性检测后归档。"},
    {"faq", "没有数字证书可以网上办事吗？", "可以，通过统一身份认证平台实名登录即可。",
     "可以。点击登录页的“统一身份认证”，完成实名认证后即可办理个人事项。法人事项需使用**电子营业执照**或由法人授权经办人办理。"},
    {"guide", "个体工商户设立登记办事指南", "受理条件、申请材料、办理流程与承诺时限。",
     "**受理条件**：经营者为有经营能力的自然人。\n\n**申请材料**：\n\n| 材料 | 份数 | 备注 |\n|---|---|---|\n"
     "| 个体工商户登记申请书 | 1 | 在线填写 |\n| 经营者身份证明 | 1 | 电子证照免交 |\n\n**承诺时限**：1 个工作日。"},
};

Principal demo(const char* account, const char* name) {
  Principal p;
  p.kind = Principal::Kind::staff;
  p.account_id = account;
  p.display_name = name;
  return p;
}

}  // namespace

void seed_demo_content(ContentService& content) {
  if (!content.list("", "", 0, 1).empty()) return;
  auto editor = demo("d1000000-0000-4000-8000-000000000002", "张三");
  auto reviewer = demo("d1000000-0000-4000-8000-000000000003", "李四");
  for (const auto& d : kDemos) {
    auto id = content.create(editor, {{"type", d.type}, {"title", d.title}, {"summary", d.summary}, {"markdown", d.markdown}});
    content.submit(editor, id);
    content.review(reviewer, id, true, "", "", "");
  }
}

}  // namespace wangban::kernel
