#pragma once
// `h2scope-certs status`: the CA, the app's leaf, the trust matrix and the
// snippets, as text for a person or JSON for a script. Pure functions.

#include "localca.h"
#include "snippets.h"
#include "trust.h"

#include <optional>
#include <string>
#include <vector>

namespace h2scope::certs {

struct StatusData {
    std::string caroot;
    std::string caCertPath;
    CertSummary ca;
    std::optional<CertSummary> leaf; // the app's leaf, when there is one
    std::string leafPath;
    std::string leafCheck; // "ok" or why the built-in verification failed
    std::vector<StoreStatus> stores;
    std::vector<Snippet> snippets;
    long long now = 0; // seconds since the epoch, for "expires in N days"
};

std::string statusText(const StatusData &s);
// One JSON object: {"caroot":..., "ca":{...}, "leaf":{...}|null, "stores":[...], "snippets":[...]}.
std::string statusJson(const StatusData &s);
// "2035-05-01 12:00:00 UTC".
std::string formatUtc(long long epoch);

} // namespace h2scope::certs
