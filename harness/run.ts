/* eslint-disable @typescript-eslint/no-require-imports */
import * as pulumi from "@pulumi/pulumi";
import type { MockCallArgs } from "@pulumi/pulumi/runtime";
import { buildPlatform } from "../platform/build";
import { PROJECT_NAME } from "../platform/config/keys";
import { readPlatformConfig } from "../platform/config/read";
import { PlatformConfig } from "../platform/config/types";
import { CapturingMonitor } from "./capturingMonitor";
import { GcpMocks } from "./gcpMocks";
import { CapturedResource } from "./model";
import { StackConfig } from "./stackFile";

const settings = require("@pulumi/pulumi/runtime/settings");
const state = require("@pulumi/pulumi/runtime/state");

export interface OfflineRun {
  stack: string;
  project: string;
  resources: CapturedResource[];
  /** Data-source calls the program made, each answered explicitly by the mocks. */
  calls: MockCallArgs[];
}

/**
 * Runs the program engine-less: the stack's configuration is installed as the CLI would pass it,
 * validated before anything is registered, and the program then runs inside `runInPulumiStack`
 * against a capturing mock monitor. Returns once every outstanding RPC has settled.
 * One run at a time per process: the Pulumi runtime is process-global.
 */
export async function runOffline(
  stackConfig: StackConfig,
  program: (config: PlatformConfig) => Record<string, unknown> = buildPlatform,
  deployed: CapturedResource[] = [],
): Promise<OfflineRun> {
  pulumi.runtime.setAllConfig(stackConfig.values, stackConfig.secretKeys);
  // The SDK reads `new Error().stack` for every promise and resource (debug context, source
  // positions); under ts-node each read is source-mapped, which made a 20,000-key plan take
  // minutes. Offline, those traces are never shown, so none are captured during the run
  // (QAIROPAY_STACK_TRACES=1 keeps them for debugging the harness itself).
  // Likewise Resource.callsites() captures an unlimited, source-mapped trace per resource for
  // its source position, which only the Pulumi Cloud console shows.
  const stackTraceLimit = Error.stackTraceLimit;
  const resourceClass = pulumi.Resource as unknown as { callsites: () => unknown[] };
  const callsites = resourceClass.callsites;
  if (!process.env.QAIROPAY_STACK_TRACES) {
    Error.stackTraceLimit = 0;
    resourceClass.callsites = () => [];
  }
  try {
    return await runProgram(stackConfig, program, deployed);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    resourceClass.callsites = callsites;
  }
}

/** Generated values (random suffixes) a plan takes from the deployed stack when there is one. */
const GENERATED = /^random:index\//;

async function runProgram(
  stackConfig: StackConfig,
  program: (config: PlatformConfig) => Record<string, unknown>,
  deployed: CapturedResource[],
): Promise<OfflineRun> {
  const known = new Map(
    deployed
      .filter((r) => GENERATED.test(r.type))
      .map((r) => [`${r.type}::${r.name}`, { id: r.id ?? "", outputs: r.outputs }]),
  );
  const mocks = new GcpMocks(known);
  const monitor = new CapturingMonitor(mocks);
  installMonitor(monitor, stackConfig.stack);
  const config = readPlatformConfig(); // throws ConfigError with nothing registered
  await pulumi.runtime.runInPulumiStack(async () => program(config));
  await settings.waitForRPCs();
  // The root stack resource holds every Resource object of the run through its children (with
  // their outputs and promises): 450 MB at 10,000 tenants. The capture is complete, so let it go;
  // policy evaluation then works on a small heap.
  state.setStackResource(undefined);
  return {
    stack: stackConfig.stack,
    project: PROJECT_NAME,
    resources: monitor.captured,
    calls: mocks.calls,
  };
}

/** What `setMocks` does, with our monitor in place of the stock one. */
function installMonitor(monitor: CapturingMonitor, stack: string): void {
  settings.setMockOptions(monitor, PROJECT_NAME, stack, false);
  const store = state.getStore();
  store.supportsSecrets = true;
  store.supportsResourceReferences = true;
  store.supportsOutputValues = false;
  store.supportsDeletedWith = true;
  store.supportsAliasSpecs = true;
  store.supportsTransforms = false;
}
