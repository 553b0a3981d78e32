// SPDX-License-Identifier: Apache-2.0
// Subcommand registration. Each Add*Command adds its CLI11 subcommand and sets *exit_code when it
// runs; the work itself lives in the libraries.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace fgm::app {

void AddInspectCommand(CLI::App& app, int* exit_code);
void AddGenerateBenchDataCommand(CLI::App& app, int* exit_code);
void AddSchemaCommand(CLI::App& app, int* exit_code);
void AddExportCommand(CLI::App& app, int* exit_code);
void AddScenarioCommand(CLI::App& app, int* exit_code);
void AddMonitorCommands(CLI::App& app, int* exit_code, const std::string& command_line);
void AddClusterCommand(CLI::App& app, int* exit_code);
void AddViewerCommand(CLI::App& app, int* exit_code);

}  // namespace fgm::app
