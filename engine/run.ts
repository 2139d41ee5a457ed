/* eslint-disable @typescript-eslint/no-require-imports */
import * as pulumi from "@pulumi/pulumi";
import type { MockCallArgs } from "@pulumi/pulumi/runtime";
import { buildPlatform } from "../platform/build";
import { CONFIG_KEYS, PROJECT_NAME } from "../platform/config/keys";
import { readPlatformConfig } from "../platform/config/read";
import { PlatformConfig } from "../platform/config/types";
import { CapturingMonitor } from "./capturingMonitor";
import { seedFromDeployment } from "./deployedSeed";
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
 * One run at a time per process (the Pulumi runtime is process-global): overlapping calls queue.
 */
export async function runOffline(
  stackConfig: StackConfig,
  program: (config: PlatformConfig) => Record<string, unknown> = buildPlatform,
  deployed: CapturedResource[] = [],
): Promise<OfflineRun> {
  if (plainPlans && program === buildPlatform && deployed.length === 0) return plainPlans(stackConfig);
  return planAfresh(stackConfig, program, deployed);
}

/** Where runOffline takes the plain plans from instead of running the program (servePlainPlansFrom). */
let plainPlans: ((stackConfig: StackConfig) => Promise<OfflineRun>) | undefined;

/**
 * Serves runOffline's plain plans (the platform program, nothing deployed) from `source` instead
 * of running the program each time: for a process that runs many commands on the same few stack
 * configurations, the tests' in-process CLI runs (test/helpers/cli.ts, from the run's plan cache,
 * which plans with planAfresh). `undefined` runs the program every time again.
 */
export function servePlainPlansFrom(source: ((stackConfig: StackConfig) => Promise<OfflineRun>) | undefined) {
  plainPlans = source;
}

/** runOffline, always running the program. */
export async function planAfresh(
  stackConfig: StackConfig,
  program: (config: PlatformConfig) => Record<string, unknown> = buildPlatform,
  deployed: CapturedResource[] = [],
): Promise<OfflineRun> {
  return runOfflineProgram({
    project: PROJECT_NAME,
    stackConfig,
    // Against a deployed stack, the values only Google knows are the deployed ones.
    mocks: new GcpMocks(seedFromDeployment(deployed), {}, sccOrganization(stackConfig)),
    // readPlatformConfig throws ConfigError with nothing registered.
    program: () => {
      const config = readPlatformConfig();
      return () => program(config);
    },
  });
}

export interface OfflineProgram {
  /** The Pulumi project the program belongs to (the URNs' project). */
  project: string;
  stackConfig: StackConfig;
  mocks: GcpMocks;
  /** Reads and checks the configuration (throwing before anything registers), then returns the program. */
  program: () => () => unknown;
}

/** Runs any Pulumi program of this repository engine-less (see runOffline). */
export function runOfflineProgram(run: OfflineProgram): Promise<OfflineRun> {
  // The Pulumi runtime is process-global: runs that overlap (two commands in one process) queue.
  const result = offlineRuns.then(() => runOfflineProgramAlone(run));
  offlineRuns = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}

let offlineRuns: Promise<void> = Promise.resolve();

async function runOfflineProgramAlone(run: OfflineProgram): Promise<OfflineRun> {
  const stackConfig = run.stackConfig;
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
    return await runProgram(run);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    resourceClass.callsites = callsites;
  }
}

/** The organisation Security Command Center is activated at, from the raw stack values (as Google knows it). */
function sccOrganization(stackConfig: StackConfig): string | undefined {
  const value = (key: string) => stackConfig.values[`${PROJECT_NAME}:${key}`];
  const activation =
    value("securityCommandCenterActivation") ?? CONFIG_KEYS.securityCommandCenterActivation.default;
  return activation === "organization" ? value("orgPolicyOrganizationId") : undefined;
}

async function runProgram({ project, stackConfig, mocks, program }: OfflineProgram): Promise<OfflineRun> {
  const monitor = new CapturingMonitor(mocks);
  installMonitor(monitor, project, stackConfig.stack);
  const body = program();
  await pulumi.runtime.runInPulumiStack(async () => body() as Record<string, unknown>);
  await settings.waitForRPCs();
  // The root stack resource holds every Resource object of the run through its children (with
  // their outputs and promises): 450 MB at 10,000 tenants. The capture is complete, so let it go;
  // policy evaluation then works on a small heap.
  state.setStackResource(undefined);
  return { stack: stackConfig.stack, project, resources: monitor.captured, calls: mocks.calls };
}

/** What `setMocks` does, with our monitor in place of the stock one. */
function installMonitor(monitor: CapturingMonitor, project: string, stack: string): void {
  settings.setMockOptions(monitor, project, stack, false);
  const store = state.getStore();
  store.supportsSecrets = true;
  store.supportsResourceReferences = true;
  store.supportsOutputValues = false;
  store.supportsDeletedWith = true;
  store.supportsAliasSpecs = true;
  store.supportsTransforms = false;
}
