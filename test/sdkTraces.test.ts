/* eslint-disable @typescript-eslint/no-require-imports */
import { spawnSync } from "child_process";
import * as path from "path";
import { memoizedSourceMappedStacks, unrecordedPromiseStamps } from "../platform/sdkTraces";

// The SDK's promise stamps (runtime/debuggable.js) are read only for PULUMI_DEBUG_PROMISE_LEAKS;
// every other stack must keep its frames (Resource.callsites sends them to the engine).
describe("SDK promise stamps", () => {
  const debuggable = require("@pulumi/pulumi/runtime/debuggable");
  const original = debuggable.debuggablePromise;
  const originalLimit = Error.stackTraceLimit;
  afterEach(() => {
    debuggable.debuggablePromise = original;
    Error.stackTraceLimit = originalLimit;
  });

  /** Stamps a promise the way the SDK's modules do: through the module's export, read at the call. */
  function stamp(): string | undefined {
    const promise = Promise.resolve(1) as Promise<number> & { _debugStackTrace?: string };
    void debuggable.debuggablePromise(promise, "test");
    return promise._debugStackTrace;
  }

  test("a promise stamp records no frames, and the stack limit is restored after it", () => {
    unrecordedPromiseStamps({});
    expect(stamp()).toMatch(/^Error:? *$/);
    expect(Error.stackTraceLimit).toBe(originalLimit);
  });

  test("the stack limit is restored when stamping throws", () => {
    unrecordedPromiseStamps({});
    expect(() => debuggable.debuggablePromise(undefined, "not a promise")).toThrow();
    expect(Error.stackTraceLimit).toBe(originalLimit);
  });

  test("PULUMI_DEBUG_PROMISE_LEAKS keeps every stamp's frames", () => {
    unrecordedPromiseStamps({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    expect(debuggable.debuggablePromise).toBe(original);
    expect(stamp()).toMatch(/\n +at (Object\.)?debuggablePromise /);
  });

  test("every other stack keeps its frames", () => {
    unrecordedPromiseStamps({});
    expect(new Error("boom").stack).toMatch(/^Error: boom\n {4}at .*sdkTraces\.test\.ts:\d+:\d+/);
  });

  test("installed twice, the stamp is wrapped once", () => {
    unrecordedPromiseStamps({});
    const wrapped = debuggable.debuggablePromise;
    unrecordedPromiseStamps({});
    expect(debuggable.debuggablePromise).toBe(wrapped);
  });
});

// The language host formats stacks with source-map-support; the memo must give the same text. In a
// plain Node process without ts-node (jest and ts-node format stacks with source-map-supports of
// their own), the module as the build compiled it, in bin/, which resolves the SDK as it runs.
describe("source-mapped stacks, memoized", () => {
  // tools/build.js compiled it to bin/ before any test file (test/globalSetup.js).
  const compiled = path.join(__dirname, "..", "bin", "platform", "sdkTraces.js");
  const script = `
    const sourceMapSupport = require("source-map-support");
    sourceMapSupport.install({ environment: "node" });
    const { memoizedSourceMappedStacks } = require(${JSON.stringify(compiled)});
    class Widget { constructor() { this.error = new Error("in a constructor"); } }
    const sdkFrame = () => {
      // A frame in the SDK, whose shipped source map names debuggable.ts.
      let captured;
      const host = Error.prepareStackTrace;
      Error.prepareStackTrace = (e, frames) => { captured = e; return host(e, frames); };
      require("@pulumi/pulumi/runtime/debuggable").debuggablePromise(Promise.resolve(1), "test");
      Error.prepareStackTrace = host;
      return captured;
    };
    const cases = {
      plain: () => new Error("plain"),
      constructor: () => new Widget().error,
      builtin: () => [1].map(() => new Error("in map"))[0],
      eval: () => eval("new Error('in eval')"),
      sdkFrame,
      noMessage: () => Object.assign(new Error(), { name: "" }),
    };
    const host = Error.prepareStackTrace;
    const captured = {};
    for (const [name, make] of Object.entries(cases)) {
      Error.prepareStackTrace = (e, frames) => { captured[name] = { e, frames }; return ""; };
      const error = make();
      Error.prepareStackTrace = (e, frames) => { captured[name] = { e, frames }; return ""; };
      void error.stack;
      captured[name] = captured[name] || {};
    }
    Error.prepareStackTrace = host;
    const expected = Object.fromEntries(Object.entries(captured).map(([n, c]) => [n, host(c.e, c.frames)]));
    memoizedSourceMappedStacks(sourceMapSupport);
    const memo = Error.prepareStackTrace;
    const first = Object.fromEntries(Object.entries(captured).map(([n, c]) => [n, memo(c.e, c.frames)]));
    const second = Object.fromEntries(Object.entries(captured).map(([n, c]) => [n, memo(c.e, c.frames)]));
    process.stdout.write(JSON.stringify({ installed: memo !== host, expected, first, second }));`;

  test("every kind of frame: the same text as source-map-support, the first time and from the memo", () => {
    const result = spawnSync(process.execPath, ["-e", script], {
      cwd: path.join(__dirname, ".."),
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    const { installed, expected, first, second } = JSON.parse(result.stdout);
    expect(installed).toBe(true);
    expect(Object.keys(expected)).toHaveLength(6);
    expect(expected.sdkFrame).toMatch(/debuggable\.ts:\d+:\d+/); // mapped by the SDK's source map
    expect(expected.constructor).toMatch(/\n {4}at new Widget /);
    expect(expected.builtin).toMatch(/\n {4}at Array\.map \(<anonymous>\)/);
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
  });

  test("only over source-map-support", () => {
    const original = Error.prepareStackTrace;
    try {
      (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
      memoizedSourceMappedStacks(require("source-map-support"));
      expect(Error.prepareStackTrace).toBeUndefined();
      memoizedSourceMappedStacks(undefined);
      expect(Error.prepareStackTrace).toBeUndefined();
    } finally {
      Error.prepareStackTrace = original;
    }
  });
});
