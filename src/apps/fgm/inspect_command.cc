// SPDX-License-Identifier: Apache-2.0
// `fgm inspect FILE.parquet [--json]`: a pocket parquet-tools over src/parquet/tools.
#include <cstdio>
#include <string>

#include "apps/fgm/commands.h"
#include "parquet/tools/inspect.h"

namespace fgm::app {

void AddInspectCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "inspect",
      "Describe a Parquet file: schema with logical types, row groups, column chunk encodings, "
      "codecs, sizes, statistics, page index, key-value metadata");
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("file", *path, "Parquet file")->required();
  cmd->add_flag("--json", *json, "Machine-readable JSON instead of text");
  cmd->callback([=] {
    Result<std::string> text = parquet::InspectParquetFile(*path, *json);
    if (!text.ok()) {
      std::fprintf(stderr, "fgm inspect: %s\n", text.error().ToString().c_str());
      *exit_code = 2;
      return;
    }
    std::fwrite(text->data(), 1, text->size(), stdout);
    *exit_code = 0;
  });
}

}  // namespace fgm::app
