#include "command.h"

#include "snippets.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>

#ifndef _WIN32
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
#endif

namespace h2scope::certs {

std::string CommandResult::describe(const std::string &program) const
{
    if (!started)
        return program + " could not be started";
    if (timedOut)
        return program + " did not finish in time and was stopped";
    std::string last = output;
    while (!last.empty() && (last.back() == '\n' || last.back() == '\r'))
        last.pop_back();
    if (const auto nl = last.rfind('\n'); nl != std::string::npos)
        last = last.substr(nl + 1);
    return program + " exited with " + std::to_string(exitCode) + (last.empty() ? "" : ": " + last);
}

std::string findExecutable(const std::string &program)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (program.find('/') != std::string::npos)
        return fs::exists(program, ec) ? program : std::string();
    const char *path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
#ifdef _WIN32
    const char sep = ';';
#else
    const char sep = ':';
    dirs += ":/usr/sbin:/sbin"; // update-ca-certificates lives there, and PATH may lack it
#endif
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(sep, start);
        if (end == std::string::npos)
            end = dirs.size();
        const std::string dir = dirs.substr(start, end - start);
        if (!dir.empty()) {
            const fs::path candidate = fs::path(dir) / program;
            if (fs::is_regular_file(candidate, ec))
                return candidate.string();
        }
        start = end + 1;
    }
    return {};
}

std::string commandLine(const std::vector<std::string> &argv)
{
    std::string out;
    for (const std::string &a : argv)
        out += (out.empty() ? "" : " ") + shellQuote(a);
    return out;
}

CommandResult runCommand(const std::vector<std::string> &argv, int timeoutMs)
{
    CommandResult result;
#ifdef _WIN32
    (void)argv;
    (void)timeoutMs;
    return result;
#else
    if (argv.empty())
        return result;
    const std::string exe = findExecutable(argv.front());
    if (exe.empty())
        return result;
    // Close-on-exec from the start: no other program this process runs
    // (another thread's, or the child's own children) inherits the pipe.
    int pipeFds[2];
#if defined(__APPLE__) // no pipe2; POSIX_SPAWN_CLOEXEC_DEFAULT below closes everything not named
    if (::pipe(pipeFds) != 0)
        return result;
    ::fcntl(pipeFds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(pipeFds[1], F_SETFD, FD_CLOEXEC);
#else
    if (::pipe2(pipeFds, O_CLOEXEC) != 0)
        return result;
#endif
    std::vector<char *> args;
    for (const std::string &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    // The child's standard input is /dev/null, its output and errors the
    // pipe (dup2 onto 1 and 2 clears close-on-exec there only).
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 2);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
#if defined(__APPLE__)
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_CLOEXEC_DEFAULT);
#endif
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, exe.c_str(), &actions, &attributes, args.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        ::close(pipeFds[0]);
        ::close(pipeFds[1]);
        return result;
    }
    ::close(pipeFds[1]);
    result.started = true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    bool open = true;
    while (open) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timedOut = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd pfd{pipeFds[0], POLLIN, 0};
        const int r = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        char buf[4096];
        const ssize_t n = ::read(pipeFds[0], buf, sizeof buf);
        if (n > 0)
            result.output.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            open = false;
    }
    ::close(pipeFds[0]);
    int status = 0;
    // The pipe closed (or the child was killed): reap it, still bounded.
    for (int i = 0; i < 200; ++i) {
        const pid_t w = ::waitpid(pid, &status, i < 199 ? WNOHANG : 0);
        if (w == pid)
            break;
        if (i == 150)
            ::kill(pid, SIGKILL); // a grandchild kept the pipe but the child lingers
        ::usleep(10000);
    }
    if (WIFEXITED(status))
        result.exitCode = WEXITSTATUS(status);
    if (result.exitCode == 127 && result.output.empty())
        result.started = false;
    return result;
#endif
}

} // namespace h2scope::certs
