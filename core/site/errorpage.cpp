#include "errorpage.h"

namespace h2scope::site {

namespace {

std::string errorPage(int status)
{
    const std::string title = std::to_string(status) + " " + std::string(reasonPhrase(status));
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body><h1>"
        + title + "</h1></body></html>\n";
}

} // namespace

std::string_view reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 412: return "Precondition Failed";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 500: return "Internal Server Error";
    default: return "Unknown";
    }
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

} // namespace h2scope::site
