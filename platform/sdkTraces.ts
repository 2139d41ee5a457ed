/**
 * The Node SDK stamps every promise it makes with `new Error().stack`
 * (@pulumi/pulumi runtime/debuggable.js, debuggablePromise: "Whack some stack onto the promise"),
 * shown only in the leaked-promise report at exit. The language host installs source-map-support
 * before the program loads (@pulumi/pulumi cmd/run/index.js: require("source-map-support/register")),
 * so each of those stamps, thousands per preview, maps every frame through the source maps: a third
 * of the program's CPU time before the last registration, and 130 MB of peak memory (npm run bench).
 * Those stamps are formatted as V8 does without source maps; every other stack (errors, and the
 * source positions Resource.callsites reports to the engine) stays mapped to the TypeScript.
 */
export function unmappedPromiseStamps(): void {
  const mapped = Error.prepareStackTrace;
  // Without source-map-support, V8 formats natively (and Node's own source maps stay in charge).
  if (!mapped) return;
  Error.prepareStackTrace = (error, frames) =>
    isPromiseStamp(frames) ? plainStack(error, frames) : mapped(error, frames);
}

function isPromiseStamp(frames: NodeJS.CallSite[]): boolean {
  const top = frames[0];
  return (
    top?.getFunctionName() === "debuggablePromise" &&
    /@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/.test(top.getFileName() ?? "")
  );
}

/** V8's own format of a stack (what `.stack` reads when no prepareStackTrace is set). */
function plainStack(error: Error, frames: NodeJS.CallSite[]): string {
  return [String(error), ...frames.map((frame) => `    at ${frame}`)].join("\n");
}
