import * as fs from "fs";
import * as path from "path";

/**
 * The repository root (where Pulumi.yaml is), found from this file's location: the same whether
 * the code runs from its TypeScript sources or compiled under bin/.
 */
export const PROJECT_ROOT = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${start}`);
  }
}
