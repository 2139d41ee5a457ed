// Writes the `config:` section of Pulumi.yaml from platform/config/keys.ts, the single source of
// the keys' types, descriptions and defaults. `npm run gen:project`; a test fails when they drift.
import * as path from "path";
import { PROJECT_ROOT } from "../platform/paths";
import { parseDocument } from "yaml";
import { projectConfigSection } from "../platform/config/projectFile";
import { runGenerator } from "./cli/generatedFile";

runGenerator(
  "gen:project",
  path.join(PROJECT_ROOT, "Pulumi.yaml"),
  "its config section, from platform/config/keys.ts",
  (current) => {
    const doc = parseDocument(current);
    doc.set("config", doc.createNode(projectConfigSection()));
    return doc.toString({ lineWidth: 0 });
  },
);
