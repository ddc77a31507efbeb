#include "singleinstance.h"

#include <QCryptographicHash>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcessEnvironment>

namespace h2scope::app {

namespace {

constexpr char kRaise[] = "raise\n";
constexpr char kRaised[] = "raised\n";

QString userName()
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QString user = env.value(QStringLiteral("USER"));
    if (user.isEmpty())
        user = env.value(QStringLiteral("USERNAME"));
    return user;
}

} // namespace

SingleInstance::SingleInstance(QObject *parent) : QObject(parent) {}

SingleInstance::~SingleInstance()
{
    release();
}

QString SingleInstance::socketName(const QString &folder)
{
    const QByteArray key = userName().toUtf8() + '\0' + folder.toUtf8();
    return QStringLiteral("h2scope-")
           + QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(24));
}

bool SingleInstance::askToRaise(const QString &folder, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(socketName(folder));
    if (!socket.waitForConnected(timeoutMs))
        return false;
    socket.write(kRaise);
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    QByteArray reply;
    // Bounded: a few reads within the timeout, for a reply of a few bytes.
    for (int i = 0; i < 8 && !reply.contains('\n'); ++i) {
        if (!socket.waitForReadyRead(timeoutMs / 4 + 1))
            break;
        reply += socket.readAll();
    }
    return reply == kRaised;
}

bool SingleInstance::claim(const QString &folder)
{
    if (m_server && folder == m_folder)
        return true;
    release();
    auto *server = new QLocalServer(this);
    server->setSocketOptions(QLocalServer::UserAccessOption);
    const QString name = socketName(folder);
    if (!server->listen(name)) {
        // A socket file left by a process that died: nobody answered
        // askToRaise(), so it is stale.
        QLocalServer::removeServer(name);
        if (!server->listen(name)) {
            delete server;
            return false;
        }
    }
    connect(server, &QLocalServer::newConnection, this, &SingleInstance::onConnection);
    m_server = server;
    m_folder = folder;
    return true;
}

void SingleInstance::release()
{
    if (!m_server)
        return;
    m_server->close();
    delete m_server;
    m_server = nullptr;
    m_folder.clear();
}

void SingleInstance::onConnection()
{
    while (QLocalSocket *socket = m_server ? m_server->nextPendingConnection() : nullptr) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > 64)
                    socket->abort(); // not one of ours
                return;
            }
            const QByteArray line = socket->readLine(64);
            if (line == kRaise) {
                socket->write(kRaised);
                socket->flush();
                emit raiseRequested();
            }
            socket->disconnectFromServer();
        });
    }
}

} // namespace h2scope::app
