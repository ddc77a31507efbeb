#pragma once
// A lab against a folder: serves it as `h2scope` would (push rules on, no
// live-reload script, which is a development aid and not part of the page)
// on an ephemeral loopback port with the given certificate, runs the lab
// against that server, and stops it. Blocks the calling thread.

#include "lab/labrunner.h"
#include "result.h"

#include <string>

namespace h2scope::lab {

// Fails with the site's error (folder missing), the TLS context's error
// (unusable certificate) or the server's (no port), else LabRunner's result.
Result<LabReport> runAgainstFolder(const std::string &root, const std::string &certPem, const std::string &keyPem,
                                   LabOptions options, const LabRunner::Progress &progress = {});

} // namespace h2scope::lab
