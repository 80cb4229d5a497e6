// Demo publications for the embedded default (database.demo_data): a few notices, a policy,
// an FAQ and a guide, written by the demo editor and approved by the demo reviewer through the
// real workflow, so the public pages, search and subscriptions have something to show.
#pragma once

namespace wangban::kernel {

class ContentService;

// Does nothing when any publication exists already.
void seed_demo_content(ContentService& content);

}  // namespace wangban::kernel
