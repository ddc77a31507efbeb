// h2scope_labshot: makes the lab view screenshot in docs/. Shows the lab
// view on the demo site, runs one preset, saves the view as PNG and prints
// the lab's table (for the README). Not a test; run it by hand:
//   QT_QPA_PLATFORM=offscreen h2scope_labshot --network 4g --runs 3 docs/lab-4g.png

#include "labview.h"

#include "lab/labjson.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

using namespace h2scope;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription("Saves a PNG of the lab view after one lab on a folder.");
    parser.addHelpOption();
    parser.addPositionalArgument("OUTPUT", "The PNG to write.");
    const QCommandLineOption folder("folder", "The folder (default: the demo site).", "DIR",
                                    QStringLiteral(H2SCOPE_SOURCE_DIR "/resources/demo"));
    const QCommandLineOption page("page", "The page's URL path (default /).", "PATH", "/");
    const QCommandLineOption network("network", "Network preset (default 4g).", "PRESET", "4g");
    const QCommandLineOption runs("runs", "Loads per mode (default 3).", "N", "3");
    const QCommandLineOption width("width", "Window width (default 1680).", "PX", "1680");
    const QCommandLineOption height("height", "Window height (default 1000).", "PX", "1000");
    parser.addOptions({folder, page, network, runs, width, height});
    parser.process(app);
    if (parser.positionalArguments().size() != 1) {
        std::fputs("h2scope_labshot: give the PNG to write\n", stderr);
        return 2;
    }
    const QString output = parser.positionalArguments().front();

    ui::LabView view(parser.value(folder));
    view.resize(parser.value(width).toInt(), parser.value(height).toInt());
    if (!view.setPage(parser.value(page)) || !view.setNetworkPreset(parser.value(network))) {
        std::fprintf(stderr, "h2scope_labshot: no page %s or no preset %s\n", qPrintable(parser.value(page)),
                     qPrintable(parser.value(network)));
        return 2;
    }
    view.setRuns(parser.value(runs).toInt());
    view.show();

    int status = 1;
    QObject::connect(&view, &ui::LabView::runFinished, &app, [&](bool ok, const QString &message) {
        if (!ok) {
            std::fprintf(stderr, "h2scope_labshot: %s\n", qPrintable(message));
            app.exit(1);
            return;
        }
        std::fputs(lab::labReportTable(*view.report()).c_str(), stdout);
        // Let the layout settle with the results in it before grabbing.
        QTimer::singleShot(200, &app, [&] {
            QString error;
            status = view.exportPng(output, &error) ? 0 : 1;
            if (status)
                std::fprintf(stderr, "h2scope_labshot: %s\n", qPrintable(error));
            app.exit(status);
        });
    });
    // Bounded: a lab that does not finish in ten minutes fails the helper.
    QTimer::singleShot(600'000, &app, [&] {
        std::fputs("h2scope_labshot: the lab did not finish in 10 minutes\n", stderr);
        app.exit(1);
    });
    QTimer::singleShot(0, &view, [&] { view.run(); });
    return app.exec();
}
