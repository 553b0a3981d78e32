// SPDX-License-Identifier: Apache-2.0
// fgm: the single FGM binary. main() only wires subcommands to libraries.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "apps/fgm/commands.h"
#include "apps/fgm/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "FGM (Fine-Grained Monitor): 1 Hz per-container metrics to Parquet, and the tools "
      "to explore them"};
  app.set_version_flag("--version", std::string("fgm ") + FGM_VERSION_STRING);
  app.require_subcommand(0, 1);
  int exit_code = 0;
  fgm::app::AddInspectCommand(app, &exit_code);
  fgm::app::AddGenerateBenchDataCommand(app, &exit_code);
  fgm::app::AddSchemaCommand(app, &exit_code);
  fgm::app::AddExportCommand(app, &exit_code);
  fgm::app::AddScenarioCommand(app, &exit_code);
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  fgm::app::AddMonitorCommands(app, &exit_code, command_line);
  fgm::app::AddClusterCommand(app, &exit_code);
  fgm::app::AddViewerCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fgm: internal error: %s\n", e.what());
    return 70;
  }
  if (app.get_subcommands().empty()) std::fputs(app.help().c_str(), stdout);
  return exit_code;
}
