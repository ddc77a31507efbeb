#pragma once
// One window per folder: the instance serving a folder listens on a local
// socket named after the user and the folder; a second launch for the same
// folder asks it to raise its window, then exits.
//
// The name is a hash of the user name and the canonical folder path, so
// two users (or two folders) never meet. GUI thread only.

#include <QObject>
#include <QString>

class QLocalServer;

namespace h2scope::app {

class SingleInstance final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SingleInstance)

public:
    explicit SingleInstance(QObject *parent = nullptr);
    ~SingleInstance() override;

    // The local socket name for `folder` (absolute, canonical).
    static QString socketName(const QString &folder);

    // Asks the instance serving `folder` to raise its window. True when one
    // answered within `timeoutMs`; false when there is none (or it is hung:
    // then claim() takes the name over).
    static bool askToRaise(const QString &folder, int timeoutMs = 2000);

    // Becomes the instance for `folder`, giving up the one held before.
    // False when the name cannot be taken (then this process simply is not
    // found by later launches; serving goes on).
    bool claim(const QString &folder);
    void release();
    QString folder() const { return m_folder; }

signals:
    // Another launch asked for this folder.
    void raiseRequested();

private:
    void onConnection();

    QLocalServer *m_server = nullptr;
    QString m_folder;
};

} // namespace h2scope::app
