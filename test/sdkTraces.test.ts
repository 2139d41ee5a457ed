/* eslint-disable @typescript-eslint/no-require-imports */
import { UNFORMATTED, unformattedPromiseStamps } from "../platform/sdkTraces";

// The language host installs source-map-support before the program (cmd/run/index.js); the hook
// must keep it for every stack but the SDK's promise stamps.
describe("SDK promise stamps under the language host's source maps", () => {
  const original = Error.prepareStackTrace;
  afterEach(() => {
    Error.prepareStackTrace = original;
  });

  function installLikeTheLanguageHost(env: NodeJS.ProcessEnv = {}): jest.Mock {
    const sourceMapSupport = require("source-map-support");
    sourceMapSupport.install({ environment: "node" });
    const mapped = jest.fn(Error.prepareStackTrace!);
    Error.prepareStackTrace = mapped;
    unformattedPromiseStamps(env);
    return mapped;
  }

  function stamp(): string | undefined {
    const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable");
    const promise = Promise.resolve(1) as Promise<number> & { _debugStackTrace?: string };
    debuggablePromise(promise, "test");
    return promise._debugStackTrace;
  }

  test("a promise stamp is not formatted", () => {
    const mapped = installLikeTheLanguageHost();
    expect(stamp()).toBe(UNFORMATTED);
    expect(mapped).not.toHaveBeenCalled();
  });

  test("PULUMI_DEBUG_PROMISE_LEAKS keeps every stamp, source-mapped", () => {
    const mapped = installLikeTheLanguageHost({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    // Mapped: the SDK ships its source maps, so the frame names debuggable.ts.
    expect(stamp()).toMatch(/^Error:? *\n {4}at debuggablePromise \(.*debuggable\.ts:\d+:\d+\)/);
    expect(mapped).toHaveBeenCalledTimes(1);
  });

  test("every other stack still goes through source-map-support", () => {
    const mapped = installLikeTheLanguageHost();
    const stack = new Error("boom").stack!;
    expect(mapped).toHaveBeenCalledTimes(1);
    expect(stack).toMatch(/^Error: boom\n {4}at .*sdkTraces\.test\.ts:\d+:\d+/);
  });

  test("without source-map-support, nothing is installed", () => {
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    unformattedPromiseStamps();
    expect(Error.prepareStackTrace).toBeUndefined();
  });
});
