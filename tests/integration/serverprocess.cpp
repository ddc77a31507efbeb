#include "serverprocess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QStandardPaths>
#include <QThread>

#include <signal.h>

namespace h2scope::testing {

namespace {

QByteArray readWholeFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

} // namespace

QString ClientResult::describe() const
{
    if (!finished)
        return QStringLiteral("did not finish (not started or timed out); stderr: %1")
            .arg(QString::fromUtf8(err.left(2000)));
    return QStringLiteral("exit code %1; stderr: %2").arg(exitCode).arg(QString::fromUtf8(err.left(2000)));
}

ClientResult runClient(const QString &program, const QStringList &args, int timeoutMs, const QByteArray &stdinData)
{
    ClientResult r;
    QProcess p;
    p.setProgram(program);
    p.setArguments(args);
    p.start();
    if (!p.waitForStarted(10000)) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    // waitForFinished keeps draining stdout/stderr, so a big body cannot block the child.
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError() + "\n[killed after " + QByteArray::number(timeoutMs) + " ms]";
        return r;
    }
    r.finished = p.exitStatus() == QProcess::NormalExit;
    r.exitCode = r.finished ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

bool haveClient(const QString &program)
{
    return !QStandardPaths::findExecutable(program).isEmpty();
}

QString h2scopeBinary()
{
    const QString fromEnv = qEnvironmentVariable("H2SCOPE_BIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
#ifdef H2SCOPE_BIN
    return QStringLiteral(H2SCOPE_BIN);
#else
    return QStringLiteral("h2scope");
#endif
}

ServerProcess::ServerProcess() = default;

ServerProcess::~ServerProcess()
{
    if (isRunning())
        stop(5000);
}

bool ServerProcess::start(const QString &folder, const QStringList &extraArgs, const QString &logMode, int timeoutMs)
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory for the server's output");
        return false;
    }
    QStringList args{QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                     QStringLiteral("--log"), logMode};
    args += extraArgs;
    if (!folder.isEmpty())
        args << folder;
    m_process.setProgram(h2scopeBinary());
    m_process.setArguments(args);
    m_process.setStandardInputFile(QProcess::nullDevice());
    m_process.setStandardOutputFile(m_dir.filePath(QStringLiteral("stdout.log")));
    m_process.setStandardErrorFile(m_dir.filePath(QStringLiteral("stderr.log")));
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(h2scopeBinary(), m_process.errorString());
        return false;
    }

    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        const QByteArray out = log();
        const qsizetype nl = out.indexOf('\n');
        if (nl >= 0) {
            const QString line = QString::fromUtf8(out.left(nl)).trimmed();
            m_url = QUrl(line, QUrl::StrictMode);
            if (!m_url.isValid() || m_url.port() <= 0
                || (m_url.scheme() != QLatin1String("https") && m_url.scheme() != QLatin1String("http"))) {
                m_error = QStringLiteral("first stdout line is not a URL with a port: \"%1\"").arg(line);
                return false;
            }
            return true;
        }
        if (m_process.state() == QProcess::NotRunning || m_process.waitForFinished(0)) {
            m_exitCode = m_process.exitCode();
            m_exitStatus = m_process.exitStatus();
            m_error = QStringLiteral("h2scope exited (code %1) before printing its URL; stderr: %2")
                          .arg(m_exitCode)
                          .arg(QString::fromUtf8(stderrText()));
            return false;
        }
        QThread::msleep(20);
    }
    m_error = QStringLiteral("h2scope printed no URL within %1 ms; stderr: %2")
                  .arg(timeoutMs)
                  .arg(QString::fromUtf8(stderrText()));
    return false;
}

bool ServerProcess::stop(int timeoutMs, int signal)
{
    if (m_process.state() == QProcess::NotRunning) {
        m_exitCode = m_process.exitCode();
        m_exitStatus = m_process.exitStatus();
        return true;
    }
    ::kill(static_cast<pid_t>(m_process.processId()), signal);
    const bool exited = m_process.waitForFinished(timeoutMs);
    if (!exited) {
        m_process.kill();
        m_process.waitForFinished(5000);
        m_exitCode = -1;
        m_exitStatus = QProcess::CrashExit;
        m_error = QStringLiteral("h2scope did not exit within %1 ms of signal %2; killed").arg(timeoutMs).arg(signal);
        return false;
    }
    m_exitCode = m_process.exitCode();
    m_exitStatus = m_process.exitStatus();
    if (m_exitStatus == QProcess::CrashExit) {
        // QProcess reports the terminating signal as the exit code of a crash.
        m_error = QStringLiteral("h2scope crashed (terminated by signal %1) after signal %2; stderr: %3")
                      .arg(m_exitCode)
                      .arg(signal)
                      .arg(QString::fromUtf8(stderrText().right(2000)));
        return false;
    }
    return true;
}

bool ServerProcess::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

QString ServerProcess::origin() const
{
    return QStringLiteral("%1://%2:%3").arg(m_url.scheme(), m_url.host()).arg(m_url.port());
}

QByteArray ServerProcess::log() const
{
    return readWholeFile(m_dir.filePath(QStringLiteral("stdout.log")));
}

QByteArray ServerProcess::stderrText() const
{
    return readWholeFile(m_dir.filePath(QStringLiteral("stderr.log")));
}

bool ServerProcess::waitForLog(const QByteArray &needle, int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    do {
        if (log().contains(needle))
            return true;
        QThread::msleep(25);
    } while (!deadline.hasExpired());
    return log().contains(needle);
}

} // namespace h2scope::testing
