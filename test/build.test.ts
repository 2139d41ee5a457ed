import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");

/** Every source map tools/build.js wrote under bin/. */
function maps(dir = path.join(ROOT, "bin")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const at = path.join(dir, entry.name);
    return entry.isDirectory() ? maps(at) : entry.name.endsWith(".js.map") ? [at] : [];
  });
}

// test/globalSetup.js brought bin/ up to date (tools/build.js ensureBuilt) before any test file.
describe("tools/build.js", () => {
  // source-map-support resolves a map's sources from the map's own directory: a path computed from
  // beside the source (`../platform/x.ts` seen from bin/platform/) named a file that does not exist
  // in every position the SDK sent the engine.
  test("each compiled file's source map names its TypeScript source, which exists", () => {
    const all = maps();
    expect(all.length).toBeGreaterThan(100);
    const wrong = all.filter((map) => {
      const { sources } = JSON.parse(fs.readFileSync(map, "utf8")) as { sources: string[] };
      const expected = path.join(
        ROOT,
        path.relative(path.join(ROOT, "bin"), map).replace(/\.js\.map$/, ".ts"),
      );
      return sources.length !== 1 || path.resolve(path.dirname(map), sources[0]) !== expected;
    });
    expect(wrong).toEqual([]);
  });
});
