#pragma once
// `h2scope lab`: runs the protocol lab headless and prints its table.
//
//   h2scope lab [--page PATH] [--network PRESET | --rtt MS --bandwidth KBIT]
//               [--loss PERCENT] [--runs N] [--modes LIST] [--json FILE] FOLDER
//
// Starts an in-process server for FOLDER on 127.0.0.1 (a free port) with a
// throwaway self-signed certificate, loads the page in each mode through
// the emulated network, prints the table and the verdict, and writes the
// JSON report (lab/labjson.h) to FILE when asked ("-" = standard output).

#include <QStringList>

namespace h2scope::app {

// `arguments` starts with the program name followed by "lab"'s own
// arguments (i.e. the process arguments without "lab"). Returns the exit
// code: 0 done, 1 the lab failed (server, load or file error, said on
// stderr), 2 bad usage. Needs a QCoreApplication; GUI thread (blocks).
int runLabCommand(const QStringList &arguments);

} // namespace h2scope::app
