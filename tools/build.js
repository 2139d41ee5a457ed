// Compiles the TypeScript sources to bin/ so that the CLIs, the policy packs and `pulumi up` start
// from JavaScript, and makes sure they never run stale code: ensureBuilt() compares every source
// with the manifest of the last build and re-transpiles exactly the files that changed.
// Each file is transpiled on its own (ts.transpileModule), which is exact because tsconfig.json
// sets isolatedModules; types are checked by `npm test` (tsc --noEmit), not here.
// Plain JavaScript on purpose: it must run before anything is compiled.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "bin");
const MANIFEST = path.join(OUT, ".build-manifest.json");
/** What a build writes; a bin/ written by another format is rebuilt whole (2: source maps name their source from bin/). */
const FORMAT = 2;
/** What runs: everything tsconfig.json includes, except the test files themselves. */
const SOURCE_ROOTS = [
  "index.ts",
  "facts",
  "vocabulary",
  "catalogue",
  "components",
  "platform",
  "tenantKeys",
  "ciIdentities",
  "engine",
  "policies",
  "tools",
  "specs",
];

function listSources() {
  const files = [];
  const walk = (rel) => {
    const abs = path.join(ROOT, rel);
    let stat;
    try {
      stat = fs.statSync(abs);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      if (path.basename(rel) === "node_modules") return;
      for (const entry of fs.readdirSync(abs).sort()) walk(path.join(rel, entry));
    } else if (
      rel.endsWith(".ts") &&
      !rel.endsWith(".d.ts") &&
      !rel.endsWith(".test.ts") &&
      !rel.endsWith(".spec.ts")
    ) {
      files.push({ rel, signature: `${stat.mtimeMs}:${stat.size}` });
    }
  };
  SOURCE_ROOTS.forEach(walk);
  return files;
}

function readManifest() {
  try {
    return JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
  } catch {
    return { files: {} };
  }
}

/** Writes through a temporary file and a rename: an interrupted build leaves no half-written file. */
function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function compilerOptions(ts) {
  const configFile = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  if (configFile.error) throw new Error(ts.flattenDiagnosticMessageText(configFile.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  return { ...parsed.options, sourceMap: true, noEmit: false, declaration: false };
}

/**
 * Brings bin/ up to date with the sources; returns the number of files compiled. Cheap when
 * nothing changed (one stat per source). Safe to interrupt and to run from two processes at once:
 * every file and the manifest are replaced atomically, the manifest last.
 */
function ensureBuilt({ quiet = false } = {}) {
  const sources = listSources();
  const manifest = readManifest();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsVersion = require("typescript/package.json").version;
  const stale = sources.filter(
    (s) =>
      manifest.typescript !== tsVersion ||
      manifest.format !== FORMAT ||
      manifest.files[s.rel] !== s.signature,
  );
  const current = new Set(sources.map((s) => s.rel));
  const removed = Object.keys(manifest.files).filter((rel) => !current.has(rel));
  if (!stale.length && !removed.length) return 0;
  if (!quiet)
    process.stderr.write(`compiling ${stale.length} changed source file(s) to bin/ (tools/build.js)\n`);
  const ts = require("typescript");
  const options = compilerOptions(ts);
  for (const { rel } of stale) {
    const source = fs.readFileSync(path.join(ROOT, rel), "utf8");
    const out = path.join(OUT, rel.replace(/\.ts$/, ".js"));
    const result = ts.transpileModule(source, {
      compilerOptions: options,
      fileName: path.join(ROOT, rel),
      reportDiagnostics: true,
    });
    const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length)
      throw new Error(
        errors
          .map((d) => {
            // Named as an editor jumps to it: <file>:<line>:<column>.
            const at =
              d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
            const where = at ? `${rel}:${at.line + 1}:${at.character + 1}` : rel;
            return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
          })
          .join("; "),
      );
    writeAtomic(
      out,
      result.outputText.replace(
        /\/\/# sourceMappingURL=.*$/m,
        `//# sourceMappingURL=${path.basename(out)}.map`,
      ),
    );
    // transpileModule names the source relative to a file beside it (`../platform/x.ts` seen from
    // bin/platform/): the map lives in bin/, so name the source from there, or every frame mapped
    // through it (source-map-support, the positions the SDK sends the engine) names a missing file.
    if (result.sourceMapText) {
      const map = JSON.parse(result.sourceMapText);
      map.sources = [path.relative(path.dirname(out), path.join(ROOT, rel)).split(path.sep).join("/")];
      writeAtomic(`${out}.map`, JSON.stringify(map));
    }
  }
  for (const rel of removed) {
    const out = path.join(OUT, rel.replace(/\.ts$/, ".js"));
    fs.rmSync(out, { force: true });
    fs.rmSync(`${out}.map`, { force: true });
  }
  writeAtomic(
    MANIFEST,
    JSON.stringify({
      typescript: tsVersion,
      format: FORMAT,
      files: Object.fromEntries(sources.map((s) => [s.rel, s.signature])),
    }),
  );
  return stale.length;
}

module.exports = { ensureBuilt, OUT, ROOT };

if (require.main === module) {
  const started = Date.now();
  const count = ensureBuilt({ quiet: true });
  process.stdout.write(`bin/ is up to date (${count} file(s) compiled in ${Date.now() - started} ms)\n`);
}
