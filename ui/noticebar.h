#pragma once
// NoticeBar: the window's messages to the user, one strip each, above the
// views: what happened (a port was taken, a local CA was created, the
// server could not start) and what to do, with at most one action button
// ("Trust the local CA…", "Settings…") and a close button. A notice has an
// id: showing another one with the same id replaces it, so a message that
// comes back (a second failed start) is never shown twice.
//
// GUI thread only.

#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>

class QVBoxLayout;

namespace h2scope::ui {

class NoticeBar final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NoticeBar)

public:
    enum class Level { Info, Warning, Error };

    explicit NoticeBar(QWidget *parent = nullptr);

    // Shows `text` (plain text) at `level`, replacing the notice `id` if shown.
    // With `actionText`, a button runs `action` (the notice stays unless the
    // action removes it).
    void showNotice(const QString &id, Level level, const QString &text, const QString &actionText = {},
                    std::function<void()> action = {});
    void removeNotice(const QString &id);
    void clear();

    // For tests and scripting: the ids and texts shown, oldest first.
    QStringList ids() const;
    QString text(const QString &id) const;
    // Presses the action button of `id`; false when it has none.
    bool trigger(const QString &id);

private:
    QWidget *find(const QString &id) const;

    QVBoxLayout *m_layout = nullptr;
};

} // namespace h2scope::ui
