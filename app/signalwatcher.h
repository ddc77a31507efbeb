#pragma once
// Turns SIGINT and SIGTERM into a Qt signal on the main thread (self-pipe),
// so shutdown runs as ordinary code: GOAWAY, drain, files written.

#include <QObject>

class QSocketNotifier;

namespace h2scope::app {

class SignalWatcher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void stopRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace h2scope::app
