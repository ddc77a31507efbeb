#pragma once
// WelcomeView: what the window shows before a folder is served — choose a
// folder, drop one, pick a recent one, or serve the bundled demo site. It
// only asks: the application decides what serving means (signals).
//
// Recent folders are remembered with QSettings under "recent/folders",
// newest first, at most kMaxRecent. GUI thread only.

#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>

class QLabel;
class QListWidget;
class QPushButton;
class QSettings;

namespace h2scope::ui {

class WelcomeView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WelcomeView)

public:
    static constexpr int kMaxRecent = 10;

    explicit WelcomeView(QWidget *parent = nullptr);

    // The recent folders shown; missing ones are listed but cannot be chosen.
    void setRecentFolders(const QStringList &folders);
    QStringList recentFolders() const { return m_recent; }

    // The folder dialog goes through this (tests replace it): a path or "".
    using FolderChooser = std::function<QString()>;
    void setFolderChooser(FolderChooser chooser) { m_chooseFolder = std::move(chooser); }

    // What the buttons do, callable (tests, scripting).
    void chooseFolder();
    void serveDemo() { emit demoRequested(); }
    // Chooses the recent folder at `row`; false when there is none or it is missing.
    bool chooseRecent(int row);

    // Reads / updates the list kept in QSettings (newest first, no duplicates).
    static QStringList loadRecent(const QSettings &settings);
    static void rememberRecent(QSettings &settings, const QString &folder);

signals:
    void folderChosen(const QString &folder);
    void demoRequested();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void setDropHighlight(bool on);

    QLabel *m_dropArea = nullptr;
    QListWidget *m_recentList = nullptr;
    QLabel *m_recentEmpty = nullptr;
    QStringList m_recent;
    FolderChooser m_chooseFolder;
};

} // namespace h2scope::ui
