import * as fs from "fs";
import { isScalar, parseDocument } from "yaml";
import { writeFileAtomic } from "./atomicWrite";

/**
 * Sets one configuration value in a stack file in place, keeping its comments, blank lines and
 * key order: the file is committed and reviewed, and `pulumi config set` would marshal the whole
 * document again, dropping every comment (pulumi/pulumi#3613; "use DOM based marshalling so we can
 * roundtrip the serialized structure perfectly" is still a TODO in
 * sdk/go/common/workspace/project.go, pulumi/pulumi#423). The `yaml` package's Document API edits
 * the node and leaves the rest of the text as it was. Written through a rename, so an interrupted
 * edit never leaves half a file.
 */
export function setStackConfigValue(file: string, key: string, value: string): void {
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  if (doc.errors.length) throw new Error(`${file}: not valid YAML (${doc.errors[0].message})`);
  const node = doc.getIn(["config", key], true);
  if (isScalar(node)) node.value = value;
  else doc.setIn(["config", key], value);
  writeFileAtomic(file, doc.toString({ lineWidth: 0 }), { durable: true });
}

/** A configuration value as the stack file holds it (plain scalars only). */
export function stackConfigValue(file: string, key: string): string | undefined {
  const value = parseDocument(fs.readFileSync(file, "utf8")).getIn(["config", key]);
  return value === undefined || value === null ? undefined : String(value);
}
