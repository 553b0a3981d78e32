// SPDX-License-Identifier: Apache-2.0
// `fgm schema [--markdown]`: the dataset's columns from the metric catalogue.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/fgm/commands.h"
#include "store/catalog.h"

namespace fgm::app {

void AddSchemaCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("schema", "Print the dataset's columns (the metric catalogue)");
  auto markdown = std::make_shared<bool>(false);
  cmd->add_flag("--markdown", *markdown, "Print docs/schema.md");
  cmd->callback([markdown, exit_code] {
    if (*markdown) {
      std::string md = store::RenderSchemaMarkdown();
      std::fwrite(md.data(), 1, md.size(), stdout);
    } else {
      for (const store::ColumnDef& c : store::Columns()) {
        std::printf("%-36s %-8s %-8s %s\n", std::string(c.name).c_str(),
                    std::string(store::ColumnKindName(c.kind)).c_str(),
                    std::string(c.unit).c_str(), std::string(c.description).c_str());
      }
    }
    *exit_code = 0;
  });
}

}  // namespace fgm::app
