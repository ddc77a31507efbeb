#include "site/earlyhints.h"

namespace h2scope::site {

bool isNavigationRequest(const Request &request)
{
    if (const std::string *mode = request.header("sec-fetch-mode"))
        return *mode == "navigate";
    const std::string *accept = request.header("accept");
    if (!accept)
        return false;
    const std::string_view a = *accept;
    const std::string_view first = a.substr(0, a.find_first_of(",;"));
    return first.find("text/html") != std::string_view::npos;
}

bool wantsEarlyHints(const Request &request, const Response &response)
{
    return request.method == "GET" && response.status >= 200 && response.status < 300 && !response.preloads.empty()
           && isNavigationRequest(request);
}

std::vector<std::string> earlyHintLinks(const Response &response)
{
    std::vector<std::string> links;
    links.reserve(response.preloads.size());
    std::size_t bytes = 0;
    for (const PreloadLink &link : response.preloads) {
        if (link.depth > kMaxHintDepth)
            continue;
        std::string value = linkHeaderValue(link);
        if (link.depth > 0 && bytes + value.size() > kMaxHintBytes)
            break; // the graph is breadth first: what is left is deeper
        bytes += value.size() + 8;
        links.push_back(std::move(value));
    }
    return links;
}

} // namespace h2scope::site
