// Writes the `config:` section of Pulumi.yaml from platform/config/keys.ts, the single source of
// the keys' types, descriptions and defaults. `npm run gen:project`; a test fails when they drift.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../platform/paths";
import { parseDocument } from "yaml";
import { projectConfigSection } from "../platform/config/projectFile";

const file = path.join(PROJECT_ROOT, "Pulumi.yaml");
const doc = parseDocument(fs.readFileSync(file, "utf8"));
doc.set("config", doc.createNode(projectConfigSection()));
fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
