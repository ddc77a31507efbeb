#include "labcommand.h"

#include "lab/folderlab.h"
#include "lab/labjson.h"
#include "lab/labrunner.h"
#include "selfsigned.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

#include <cstdio>

namespace h2scope::app {

namespace {

int usageError(const QString &message)
{
    std::fprintf(stderr, "h2scope lab: %s\nTry 'h2scope lab --help'.\n", qPrintable(message));
    return 2;
}

int failure(const std::string &message)
{
    std::fprintf(stderr, "h2scope lab: %s\n", message.c_str());
    return 1;
}

} // namespace

int runLabCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Loads a page of FOLDER over HTTP/1.1, HTTP/2, HTTP/2 + push and HTTP/2 + early hints through an "
        "emulated network and prints how long each took.");
    parser.addHelpOption();
    parser.addPositionalArgument("FOLDER", "The folder to serve.");
    const QCommandLineOption page("page", "The page's URL path (default /).", "PATH", "/");
    QStringList presetNames;
    for (const lab::NetworkProfile &p : lab::networkPresets())
        presetNames << QString::fromStdString(p.name);
    const QCommandLineOption network("network", "Network preset: " + presetNames.join(", ") + " (default 4g).",
                                     "PRESET");
    const QCommandLineOption rtt("rtt", "Custom round-trip time in milliseconds (with --bandwidth).", "MS");
    const QCommandLineOption bandwidth("bandwidth", "Custom bandwidth per direction in kbit/s (0 = unlimited).",
                                       "KBIT");
    const QCommandLineOption loss("loss", "Segment loss in percent (default 0).", "PERCENT");
    const QCommandLineOption runs("runs", "Loads per mode (default 5).", "N", "5");
    const QCommandLineOption modes("modes", "Comma-separated modes: http1, h2, h2-push, h2-hints (default all).",
                                   "LIST");
    const QCommandLineOption json("json", "Write the JSON report to FILE ('-': standard output).", "FILE");
    parser.addOptions({page, network, rtt, bandwidth, loss, runs, modes, json});
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet("help")) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError("give exactly one FOLDER to serve");

    lab::LabOptions options;
    if (parser.isSet(network) && (parser.isSet(rtt) || parser.isSet(bandwidth)))
        return usageError("use either --network or --rtt/--bandwidth, not both");
    if (parser.isSet(rtt) || parser.isSet(bandwidth)) {
        bool ok1 = true, ok2 = true;
        const uint rttMs = parser.isSet(rtt) ? parser.value(rtt).toUInt(&ok1) : 0;
        const qulonglong kbit = parser.isSet(bandwidth) ? parser.value(bandwidth).toULongLong(&ok2) : 0;
        if (!ok1 || !ok2 || rttMs > 10'000)
            return usageError("--rtt takes 0-10000 milliseconds and --bandwidth a number of kbit/s");
        options.load.network = lab::NetworkProfile{"custom", rttMs, kbit, 0.0};
    } else {
        const QString name = parser.isSet(network) ? parser.value(network) : QStringLiteral("4g");
        auto preset = lab::findNetworkPreset(name.toStdString());
        if (!preset)
            return usageError("unknown network preset \"" + name + "\"; choose one of " + presetNames.join(", "));
        options.load.network = *preset;
    }
    if (parser.isSet(loss)) {
        bool ok = false;
        const double percent = parser.value(loss).toDouble(&ok);
        if (!ok || percent < 0 || percent > 50)
            return usageError("--loss takes a percentage from 0 to 50");
        options.load.network.loss = percent / 100.0;
    }
    bool ok = false;
    options.runs = parser.value(runs).toUInt(&ok);
    if (!ok || options.runs < 1 || options.runs > 100)
        return usageError("--runs takes a number from 1 to 100");
    if (parser.isSet(modes)) {
        options.modes.clear();
        for (const QString &m : parser.value(modes).split(',', Qt::SkipEmptyParts)) {
            auto mode = lab::parseLoadMode(m.trimmed().toStdString());
            if (!mode)
                return usageError("unknown mode \"" + m + "\"; choose from http1, h2, h2-push, h2-hints");
            options.modes.push_back(*mode);
        }
        if (options.modes.empty())
            return usageError("--modes names no mode");
    }
    std::string pagePath = parser.value(page).toStdString();
    if (pagePath.empty() || pagePath.front() != '/')
        pagePath.insert(pagePath.begin(), '/');
    options.load.page = pagePath;

    auto pem = certs::makeSelfSigned();
    if (!pem)
        return failure(pem.error().message);
    std::fprintf(stderr, "h2scope lab: %s on %s, %u run(s) per mode...\n", pagePath.c_str(),
                 lab::describeProfile(options.load.network).c_str(), options.runs);
    auto report = lab::runAgainstFolder(QFileInfo(positional.front()).absoluteFilePath().toStdString(), pem->certPem,
                                        pem->keyPem, options);
    if (!report)
        return failure(report.error().message);

    const bool jsonToStdout = parser.isSet(json) && parser.value(json) == "-";
    const std::string table = lab::labReportTable(*report);
    std::fputs(table.c_str(), jsonToStdout ? stderr : stdout);
    if (parser.isSet(json)) {
        const std::string text = lab::labReportJson(*report);
        if (jsonToStdout) {
            std::fputs(text.c_str(), stdout);
        } else {
            QFile file(parser.value(json));
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
                || file.write(text.data(), qint64(text.size())) != qint64(text.size()))
                return failure("cannot write " + parser.value(json).toStdString() + ": "
                               + file.errorString().toStdString());
        }
    }
    return 0;
}

} // namespace h2scope::app
