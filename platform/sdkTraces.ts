/**
 * The Node SDK stamps every promise it makes with `new Error().stack`
 * (@pulumi/pulumi runtime/debuggable.js, debuggablePromise: "Whack some stack onto the promise"),
 * printed only when PULUMI_DEBUG_PROMISE_LEAKS is set and a promise is still pending at exit. The
 * language host installs source-map-support before the program loads (@pulumi/pulumi
 * cmd/run/index.js: require("source-map-support/register")), so each of those stamps, thousands per
 * preview, mapped every frame through the source maps: a third of the program's CPU time before
 * its last registration and 130 MB of peak memory (npm run bench). Unless that variable asks for
 * them, the stamps are not formatted at all; every other stack (errors, and the source positions
 * Resource.callsites reports to the engine) stays mapped to the TypeScript.
 */
export function unformattedPromiseStamps(env: NodeJS.ProcessEnv = process.env): void {
  const mapped = Error.prepareStackTrace;
  // Without source-map-support V8 formats natively (and Node's own source maps stay in charge).
  if (!mapped || env.PULUMI_DEBUG_PROMISE_LEAKS) return;
  Error.prepareStackTrace = (error, frames) => (isPromiseStamp(frames) ? UNFORMATTED : mapped(error, frames));
}

export const UNFORMATTED = "Error: stack not recorded (PULUMI_DEBUG_PROMISE_LEAKS=1 records it)";

function isPromiseStamp(frames: NodeJS.CallSite[]): boolean {
  const top = frames[0];
  return (
    top?.getFunctionName() === "debuggablePromise" &&
    /@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/.test(top.getFileName() ?? "")
  );
}
