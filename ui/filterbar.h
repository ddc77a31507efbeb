#pragma once
// FilterBar: the Frames table's typed filter — a line edit that completes the
// word being typed from FrameFilter's vocabulary, Apply, "Follow stream", and
// the parse error when there is one.

#include <QWidget>

class QLabel;
class QLineEdit;

namespace h2scope::ui {

class FilterBar final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilterBar)

public:
    explicit FilterBar(QWidget *parent = nullptr);

    QString text() const;
    void setText(const QString &text);
    // Shown under the line (hidden when empty).
    void setError(const QString &error);
    // Puts the keyboard in the line, its text selected (View ▸ Filter…).
    void focusEdit();

signals:
    // Return, Apply, or the line cleared.
    void filterEntered(const QString &text);
    void followStreamRequested();

private:
    QLineEdit *m_edit = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace h2scope::ui
