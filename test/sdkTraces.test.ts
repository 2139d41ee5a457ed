/* eslint-disable @typescript-eslint/no-require-imports */
import { unmappedPromiseStamps } from "../platform/sdkTraces";

// The language host installs source-map-support before the program (cmd/run/index.js); the hook
// must keep it for every stack but the SDK's promise stamps.
describe("SDK promise stamps under the language host's source maps", () => {
  const original = Error.prepareStackTrace;
  afterEach(() => {
    Error.prepareStackTrace = original;
  });

  function installLikeTheLanguageHost(): jest.Mock {
    const sourceMapSupport = require("source-map-support");
    sourceMapSupport.install({ environment: "node" });
    const mapped = jest.fn(Error.prepareStackTrace!);
    Error.prepareStackTrace = mapped;
    unmappedPromiseStamps();
    return mapped;
  }

  test("a promise stamp is formatted by V8, without source maps", () => {
    const mapped = installLikeTheLanguageHost();
    const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable");
    const promise = Promise.resolve(1) as Promise<number> & { _debugStackTrace?: string };
    debuggablePromise(promise, "test");
    expect(mapped).not.toHaveBeenCalled();
    expect(promise._debugStackTrace).toMatch(/^Error\n {4}at debuggablePromise \(.*debuggable\.js:\d+:\d+\)/);
  });

  test("every other stack still goes through source-map-support", () => {
    const mapped = installLikeTheLanguageHost();
    const stack = new Error("boom").stack!;
    expect(mapped).toHaveBeenCalledTimes(1);
    expect(stack).toMatch(/^Error: boom\n {4}at .*sdkTraces\.test\.ts:\d+:\d+/);
  });

  test("without source-map-support, nothing is installed", () => {
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    unmappedPromiseStamps();
    expect(Error.prepareStackTrace).toBeUndefined();
  });
});
