// The content HTTP routes: the editors' and reviewers' workflow (/api/content/publications,
// permissions content.read, content.write, content.review), attachments, the public reading
// of published content (/api/content/public), and the platform search (/api/search).
#pragma once

namespace wangban::kernel {

class Router;
class ContentService;
class SearchIndex;

void register_content_routes(Router& router, ContentService& content, SearchIndex& search);

}  // namespace wangban::kernel
