#pragma once
// The main window: what is served and where, and the live log of requests.

#include <QMainWindow>

class QLabel;
class QPlainTextEdit;

namespace h2scope::ui {

class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);

    void setServing(const QString &url, const QString &folder, bool isDemo);
    // Appends log text (one or more lines); old lines scroll away.
    void appendLog(const QString &text);
    // Updates the status bar after a drain.
    void noteEvents(int count, quint64 dropped);

    QString url() const { return m_url; }
    QString logText() const;

private:
    QLabel *m_urlLabel = nullptr;
    QLabel *m_folderLabel = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QString m_url;
    quint64 m_events = 0;
};

} // namespace h2scope::ui
