#include "errorpage.h"

#include "httpstatus.h"

#include <exception>

namespace h2scope::site {

namespace {

std::string errorPage(int status)
{
    std::string title = std::to_string(status);
    title += ' ';
    title += reasonPhrase(status);
    std::string page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
    page += title;
    page += "</title></head>\n<body><h1>";
    page += title;
    page += "</h1></body></html>\n";
    return page;
}

} // namespace

std::string_view reasonPhrase(int status)
{
    return h2scope::reasonPhrase(status);
}

Response errorResponse(int status, std::string note)
{
    Response response;
    response.status = status;
    response.note = std::move(note);
    response.headers.push_back({"content-type", "text/html; charset=utf-8"});
    response.headers.push_back({"x-content-type-options", "nosniff"});
    Body body = Body::fromString(errorPage(status));
    response.headers.push_back({"content-length", std::to_string(body.size())});
    response.body = std::move(body);
    return response;
}

Response handleGuarded(Handler &handler, const Request &request)
{
    try {
        return handler.handle(request);
    } catch (const std::exception &e) {
        return errorResponse(500, std::string("the site handler failed: ") + e.what());
    }
}

} // namespace h2scope::site
