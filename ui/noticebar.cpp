#include "noticebar.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace h2scope::ui {

namespace {

const char *kIdProperty = "noticeId";

QString styleFor(NoticeBar::Level level)
{
    // Pale backgrounds that read in light and dark themes alike, dark text.
    switch (level) {
    case NoticeBar::Level::Info:
        return QStringLiteral("QFrame#notice { background: #dcebfa; border: 1px solid #8db6e0; border-radius: 4px; }"
                              " QLabel { color: #102a43; }");
    case NoticeBar::Level::Warning:
        return QStringLiteral("QFrame#notice { background: #fff3cd; border: 1px solid #e0c060; border-radius: 4px; }"
                              " QLabel { color: #3d2e00; }");
    case NoticeBar::Level::Error:
        return QStringLiteral("QFrame#notice { background: #f8d7da; border: 1px solid #d98a92; border-radius: 4px; }"
                              " QLabel { color: #4a0d12; }");
    }
    return {};
}

} // namespace

NoticeBar::NoticeBar(QWidget *parent) : QWidget(parent)
{
    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(4, 2, 4, 2);
    m_layout->setSpacing(3);
    setVisible(false);
}

QWidget *NoticeBar::find(const QString &id) const
{
    for (int i = 0; i < m_layout->count(); ++i)
        if (QWidget *w = m_layout->itemAt(i)->widget(); w && w->property(kIdProperty).toString() == id)
            return w;
    return nullptr;
}

void NoticeBar::showNotice(const QString &id, Level level, const QString &text, const QString &actionText,
                           std::function<void()> action)
{
    auto *frame = new QFrame(this);
    frame->setObjectName(QStringLiteral("notice"));
    frame->setProperty(kIdProperty, id);
    frame->setStyleSheet(styleFor(level));
    auto *row = new QHBoxLayout(frame);
    row->setContentsMargins(8, 4, 4, 4);
    auto *label = new QLabel(text, frame);
    label->setObjectName(QStringLiteral("noticeText"));
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(label, 1);
    if (!actionText.isEmpty() && action) {
        auto *button = new QPushButton(actionText, frame);
        button->setObjectName(QStringLiteral("noticeAction"));
        connect(button, &QPushButton::clicked, this, [action = std::move(action)] { action(); });
        row->addWidget(button);
    }
    auto *close = new QToolButton(frame);
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Dismiss"));
    close->setAutoRaise(true);
    connect(close, &QToolButton::clicked, this, [this, id] { removeNotice(id); });
    row->addWidget(close);

    if (QWidget *old = find(id)) {
        m_layout->replaceWidget(old, frame);
        old->deleteLater();
    } else {
        m_layout->addWidget(frame);
    }
    setVisible(true);
}

void NoticeBar::removeNotice(const QString &id)
{
    if (QWidget *w = find(id)) {
        m_layout->removeWidget(w);
        w->hide();
        w->deleteLater();
    }
    setVisible(m_layout->count() > 0);
}

void NoticeBar::clear()
{
    for (const QString &id : ids())
        removeNotice(id);
}

QStringList NoticeBar::ids() const
{
    QStringList out;
    for (int i = 0; i < m_layout->count(); ++i)
        if (QWidget *w = m_layout->itemAt(i)->widget())
            out.append(w->property(kIdProperty).toString());
    return out;
}

QString NoticeBar::text(const QString &id) const
{
    const QWidget *w = find(id);
    const auto *label = w ? w->findChild<QLabel *>(QStringLiteral("noticeText")) : nullptr;
    return label ? label->text() : QString();
}

bool NoticeBar::trigger(const QString &id)
{
    QWidget *w = find(id);
    auto *button = w ? w->findChild<QPushButton *>(QStringLiteral("noticeAction")) : nullptr;
    if (!button)
        return false;
    button->click();
    return true;
}

} // namespace h2scope::ui
