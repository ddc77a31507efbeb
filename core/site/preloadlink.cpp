#include "site/preloadlink.h"

namespace h2scope::site {

std::string linkHeaderValue(const PreloadLink &link)
{
    std::string v = "<" + link.path + ">; rel=preload";
    if (!link.as.empty())
        v += "; as=" + link.as;
    if (!link.type.empty())
        v += "; type=\"" + link.type + "\"";
    if (link.crossorigin)
        v += "; crossorigin";
    if (link.nopush)
        v += "; nopush";
    return v;
}

} // namespace h2scope::site
