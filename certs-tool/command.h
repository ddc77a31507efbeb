#pragma once
// Running the trust-store tools (certutil, keytool, update-ca-certificates,
// security, pkexec) as child processes, bounded in time. POSIX only: on
// Windows runCommand() reports that nothing was started. Any thread.

#include <string>
#include <vector>

namespace h2scope::certs {

struct CommandResult {
    bool started = false;  // false: not found or could not be started
    bool timedOut = false; // killed at the time limit
    int exitCode = -1;
    std::string output; // stdout and stderr, interleaved

    bool ok() const { return started && !timedOut && exitCode == 0; }
    // "certutil exited with 255: <last line of output>" for messages.
    std::string describe(const std::string &program) const;
};

// Runs argv[0] (looked up on PATH) with stdin from /dev/null, waits at most
// timeoutMs and kills it (SIGKILL) after that.
CommandResult runCommand(const std::vector<std::string> &argv, int timeoutMs = 30000);

// The full path of `program` on PATH, or "" when it is not there.
std::string findExecutable(const std::string &program);

// The command as one shell line, for "run this yourself" messages.
std::string commandLine(const std::vector<std::string> &argv);

} // namespace h2scope::certs
