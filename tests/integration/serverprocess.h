#pragma once

// Helpers shared by the integration tests: the real h2scope binary as a child
// process on an ephemeral loopback port, and real client programs run with a
// bounded timeout.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace h2scope::testing {

// What a client program did. `finished` is false when it could not be
// started or was killed at the timeout; exitCode is then -1.
struct ClientResult {
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    bool ok() const { return finished && exitCode == 0; }
    // One line for a failure message: program, exit code and stderr.
    QString describe() const;
};

// Runs `program args` (stdin closed unless stdinData is given), waits at most
// timeoutMs, kills it at the timeout. Never blocks longer than that.
ClientResult runClient(const QString &program, const QStringList &args, int timeoutMs = 30000,
                       const QByteArray &stdinData = {});

// True if `program` is an executable on PATH (or an absolute path to one).
bool haveClient(const QString &program);

// The h2scope binary under test: $H2SCOPE_BIN if set, else the build's target.
QString h2scopeBinary();

// One h2scope process: `h2scope --headless --port 0 --log MODE [extra] FOLDER`.
// Its stdout and stderr go to files in a private temporary directory, so a
// chatty frame log can never block the server on a full pipe while a test
// waits for a client.
class ServerProcess final {
public:
    ServerProcess();
    ~ServerProcess();
    Q_DISABLE_COPY_MOVE(ServerProcess)

    // Starts the server and waits (at most timeoutMs) for the first stdout line,
    // the URL being served. Returns false, with errorString() set, if the
    // process did not start, exited, or printed no URL in time.
    bool start(const QString &folder, const QStringList &extraArgs = {},
               const QString &logMode = QStringLiteral("frames"), int timeoutMs = 20000);

    // Sends `signal` (SIGTERM by default) and waits at most timeoutMs for the
    // exit. Returns false, with errorString() set, if the process crashed or did
    // not exit in time (it is then killed).
    bool stop(int timeoutMs = 15000, int signal = 15);

    bool isRunning() const;
    QUrl url() const { return m_url; }
    int port() const { return m_url.port(); }
    // "scheme://127.0.0.1:PORT" without a trailing slash.
    QString origin() const;
    QString errorString() const { return m_error; }

    // Everything written to stdout / stderr so far.
    QByteArray log() const;
    QByteArray stderrText() const;
    // Waits (at most timeoutMs) until the stdout log contains `needle`.
    bool waitForLog(const QByteArray &needle, int timeoutMs = 5000) const;

    // Valid after stop(): the exit code and whether the exit was normal
    // (not a crash or a kill).
    int exitCode() const { return m_exitCode; }
    bool exitedNormally() const { return m_exitStatus == QProcess::NormalExit; }
    qint64 pid() const { return m_process.processId(); }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QUrl m_url;
    QString m_error;
    int m_exitCode = -1;
    QProcess::ExitStatus m_exitStatus = QProcess::CrashExit;
};

} // namespace h2scope::testing

// Skips the test when a client program is genuinely absent, except under CI
// (CI=true), where .ci/deps installs every client and a skip would hide a gap.
#define H2SCOPE_REQUIRE_CLIENT(program)                                                                                \
    do {                                                                                                               \
        if (!h2scope::testing::haveClient(QStringLiteral(program))) {                                                  \
            if (qEnvironmentVariableIsSet("CI"))                                                                       \
                QFAIL(program " is not installed, but CI must run every test (see .ci/deps)");                         \
            QSKIP(program " is not installed; install it (see .ci/deps) to run this test");                            \
        }                                                                                                              \
    } while (false)
