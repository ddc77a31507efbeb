#pragma once
// RequestsView: the Requests tab. A filter line (the frame filter's
// language, plus free text over method, path, status, type and client) with
// the match count, the table of every request across connections (sortable;
// the header's context menu chooses the columns, and the choice is kept),
// and the selected request's details: headers, timing, push relations. Every
// row has a context menu: copy the row, the URL, the headers, the request as
// curl / fetch / nghttp; show its frames; save a HAR of the selection or of
// its connection.
//
// GUI thread only.

#include "inspect/capturestore.h"
#include "inspect/har.h"

#include <QWidget>

#include <chrono>
#include <cstdint>

class QLabel;
class QLineEdit;
class QMenu;
class QSplitter;
class QTableView;
class QTextBrowser;

namespace h2scope::ui {

class RequestsModel;
class RequestsProxy;

class RequestsView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestsView)

public:
    explicit RequestsView(QWidget *parent = nullptr);
    ~RequestsView() override;

    // The store (null: nothing); `live` while it still grows.
    void setStore(const inspect::CaptureStore *store, bool live);
    // Reads on for about `budget` and shows what is new.
    void refresh(std::chrono::nanoseconds budget);

    void setFilterText(const QString &text);
    // Puts the keyboard in the filter line, its text selected.
    void focusFilter();
    QString filterText() const;
    // "12 of 340 requests", "340 requests"
    QString countText() const;
    // Selects a request and shows its details; false when it is not listed.
    bool openRequest(std::uint64_t connectionId, std::int32_t streamId);
    // The details shown now, as the HTML given to the pane ("" when none).
    QString detailsHtml() const;

    enum class Copy { Row, Url, RequestHeaders, ResponseHeaders, Curl, Fetch, Nghttp };
    // What a copy action puts on the clipboard for the current request ("" when none).
    QString copyText(Copy what) const;
    // The selected requests, for a HAR of them.
    inspect::HarOptions selection() const;
    inspect::HarOptions currentConnection() const;

    // The parts, for tests.
    RequestsModel *model() const { return m_model; }
    RequestsProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }
    // The row's context menu as it would open now (the caller owns it).
    QMenu *makeContextMenu();

signals:
    void showFramesRequested(std::uint64_t connectionId, std::int32_t streamId);
    // Save a HAR of these requests (the window asks where).
    void harRequested(const h2scope::inspect::HarOptions &selection);

private:
    void applyFilter();
    void updateCount();
    void showCurrent();
    void chooseColumns(const QPoint &pos);
    void saveColumns() const;
    void restoreColumns();

    const inspect::CaptureStore *m_store = nullptr;
    RequestsModel *m_model = nullptr;
    RequestsProxy *m_proxy = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_filterError = nullptr;
    QTableView *m_table = nullptr;
    QTextBrowser *m_details = nullptr;
    QSplitter *m_split = nullptr;
    std::uint64_t m_shownConnection = 0;
    std::int32_t m_shownStream = 0;
    std::uint64_t m_shownRevision = 0;
    static constexpr int kSideBySideWidth = 640; // the details pane shows the two header lists side by side from here
    QString m_html;                              // what the details show
    bool m_caughtUp = true;                      // the summaries have read everything the store holds
};

} // namespace h2scope::ui
