// Writes the `config:` section of Pulumi.yaml from platform/config/keys.ts, the single source of
// the keys' types, descriptions and defaults. `npm run gen:project`; a test fails when they drift.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../platform/paths";
import { parseDocument } from "yaml";
import { CONFIG_KEYS, ConfigKeySpec } from "../platform/config/keys";

const file = path.join(PROJECT_ROOT, "Pulumi.yaml");
const doc = parseDocument(fs.readFileSync(file, "utf8"));
const config: Record<string, unknown> = {};
for (const [key, spec] of Object.entries(CONFIG_KEYS) as [string, ConfigKeySpec][]) {
  config[key] = {
    type: spec.type,
    ...(spec.type === "array" ? { items: { type: "string" } } : {}),
    description: spec.description,
    ...(spec.secret ? { secret: true } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
  };
}
doc.set("config", doc.createNode(config));
fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
