/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The Node SDK stamps every promise it makes with `new Error().stack`
 * (@pulumi/pulumi runtime/debuggable.js, debuggablePromise: "Whack some stack onto the promise"),
 * read only when PULUMI_DEBUG_PROMISE_LEAKS is set and a promise is still pending at exit
 * (leakedPromises, the only reader of `_debugStackTrace`). Thousands of stamps per preview: under
 * the language host, which installs source-map-support before the program (@pulumi/pulumi
 * cmd/run/index.js: require("source-map-support/register")), formatting them mapped every frame
 * through the source maps (a third of the program's CPU and 130 MB of peak memory), and capturing
 * them, formatted or not, still cost the program 0.8 s of CPU before its last registration
 * (npm run bench, --cpu-prof). Unless that variable asks for them, stamps record no frames at all
 * (Error.stackTraceLimit 0 while the SDK stamps); every other stack (errors, and the source
 * positions Resource.callsites reports to the engine) is captured and mapped as before.
 * The SDK's modules call it as `(0, debuggable_1.debuggablePromise)(…)`, a read of the export at
 * each call, so replacing the export reaches every caller.
 */
export function unrecordedPromiseStamps(env: NodeJS.ProcessEnv = process.env): void {
  if (env.PULUMI_DEBUG_PROMISE_LEAKS) return;
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as DebuggableModule;
  if (debuggable.debuggablePromise.name !== "debuggablePromise") return; // installed already
  const stamp = debuggable.debuggablePromise;
  debuggable.debuggablePromise = function unrecordedStamp<T>(promise: Promise<T>, ctx: unknown) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return stamp(promise, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}

interface DebuggableModule {
  debuggablePromise: <T>(promise: Promise<T>, ctx: unknown) => Promise<T>;
}

/**
 * Every resource's constructor sends the engine its whole call stack, source-mapped
 * (@pulumi/pulumi resource.js, Resource.callsites: `Error.stackTraceLimit = Infinity` and
 * `new Error().stack`, formatted by the source-map-support the language host installed). Each
 * frame cost a source-map lookup and a copied CallSite, half of the program's construction time
 * (npm run bench, --cpu-prof), though the same few hundred frames recur in every stack. Here each
 * frame's mapped line is computed once by source-map-support itself (its exported wrapCallSite,
 * as its prepareStackTrace calls it) and reused: keyed by V8's own text of the frame and of the
 * deeper frame whose mapped position names it (source-map-support's `state.nextPosition`), so the
 * text is the same, byte for byte. Installed only over the host's source-map-support.
 */
export function memoizedSourceMappedStacks(sourceMapSupport = hostSourceMapSupport()): void {
  const mapped = Error.prepareStackTrace;
  if (!mapped || mapped.name !== "prepareStackTrace" || !sourceMapSupport) return;
  const lines = new Map<string, string>();
  Error.prepareStackTrace = function memoizedPrepareStackTrace(error, frames) {
    const texts = frames.map(String);
    let stack = `${error.name || "Error"}: ${error.message || ""}`;
    for (let i = 0; i < frames.length; i++) {
      const namer = positionedFrame(frames, i + 1);
      const key = `${texts[i]}\0${namer < 0 ? "" : texts[namer]}`;
      let line = lines.get(key);
      if (line === undefined) {
        const state: SourceMapState = { nextPosition: null, curPosition: null };
        if (namer >= 0) {
          sourceMapSupport.wrapCallSite(frames[namer], state);
          state.nextPosition = state.curPosition;
        }
        line = `\n    at ${sourceMapSupport.wrapCallSite(frames[i], state)}`;
        lines.set(key, line);
      }
      stack += line;
    }
    return stack;
  };
}

/** The first frame from `from` on that sets source-map-support's current position: native, or with a source. */
function positionedFrame(frames: NodeJS.CallSite[], from: number): number {
  for (let j = from; j < frames.length; j++)
    if (frames[j].isNative() || frames[j].getFileName() || frames[j].getScriptNameOrSourceURL()) return j;
  return -1;
}

interface SourceMapState {
  nextPosition: unknown;
  curPosition: unknown;
}

export interface SourceMapSupport {
  wrapCallSite(frame: NodeJS.CallSite, state: SourceMapState): NodeJS.CallSite;
}

/** The source-map-support module the language host loaded (@pulumi/pulumi cmd/run/index.js), if it did. */
function hostSourceMapSupport(): SourceMapSupport | undefined {
  try {
    const run = require.resolve("@pulumi/pulumi/cmd/run/index.js");
    const file = require.resolve("source-map-support", { paths: [run] });
    return require.cache[file]?.exports as SourceMapSupport | undefined;
  } catch {
    return undefined;
  }
}

/** Both of the above: what each program entry point calls before it builds anything. */
export function cheaperSdkStacks(): void {
  unrecordedPromiseStamps();
  memoizedSourceMappedStacks();
}
