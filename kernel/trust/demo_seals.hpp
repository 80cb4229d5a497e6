// Demo seals for the embedded default (demo data with the development CA): the 西湖区行政服务中心's
// business seal, and the personal name seals of the demo clerk 张三 and approver 李四, made through
// the real SealRegistry once, when there are no seals yet.
#pragma once

namespace wangban::kernel {

class SealRegistry;

void seed_demo_seals(SealRegistry& seals);

}  // namespace wangban::kernel
