import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { load as loadYaml } from "js-yaml";
import { PROJECT_ROOT } from "../../platform/paths";
import { pulumiCommand, pulumiVersion, runPulumi } from "../cli/pulumiCli";
import { readStackOutputs, StackNotFound } from "../cli/deployedProjects";
import { lockedBy, pendingOperations, PendingOperation, StackLocked } from "../cli/stackState";
import { staleLockRefusal } from "../cli/staleLock";
import { DeployedShard, ShardDeployment, ShardDiagnostic, ShardStacks, ShardUpFailure } from "./deployShards";
import { FINGERPRINT_KEY, qualifiedShardStack } from "./fingerprint";
import { TENANT_KEYS_PROJECT } from "../../tenantKeys/config";

const KEY = "gcp:kms/cryptoKey:CryptoKey";

export interface ShardStackOptions {
  /** The tenant-keys project directory. @default tenant-keys/ of this repository */
  workDir?: string;
  /** The secrets provider a new shard stack is created with (the platform stack's). */
  secretsProvider?: string;
  /** Resource operations at once within one shard (`pulumi up --parallel`). */
  parallel: number;
  /** Cancels every running operation (Ctrl-C). */
  signal: AbortSignal;
  /** Whether a key exists in Cloud KMS, by its id (`<ring>/cryptoKeys/<name>`). */
  keyExists: (id: string) => Promise<boolean>;
  /**
   * `pulumi cancel` a held lock (only on the operator's explicit --cancel-stale-update), and only a
   * provably stale one: taken on this machine by a process that is gone (staleLock.ts).
   */
  cancelStaleUpdate?: boolean;
  log: (line: string) => void;
}

/**
 * The shard stacks through Pulumi's Automation API: a LocalWorkspace on tenant-keys/ (its
 * Pulumi.yaml, the backend and credentials as the CLI has them), each stack named in the platform
 * reference's organisation, updates run with the tenant-key policy pack, a bounded parallelism and
 * the tool's cancellation signal. Before each update, operations an interrupted run left pending
 * are resolved with the CLI's own means, and a held lock is reported (or, on request, cancelled).
 */
export function automationShardStacks(platformReference: string, options: ShardStackOptions): ShardStacks {
  const workDir = options.workDir ?? path.join(PROJECT_ROOT, "tenant-keys");
  const stackName = (shard: ShardDeployment) => qualifiedShardStack(platformReference, shard.stack);
  const workspace = async () => {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    return LocalWorkspace.create({
      workDir,
      pulumiCommand: await pulumiCommand(),
      ...(options.secretsProvider ? { secretsProvider: options.secretsProvider } : {}),
    });
  };
  return {
    cliVersion: pulumiVersion,
    lastDeployment: async (shard) => {
      const { Stack, StackNotFoundError } = await import("@pulumi/pulumi/automation");
      let stack: Stack;
      try {
        stack = await Stack.select(stackName(shard), await workspace());
      } catch (err) {
        if (err instanceof StackNotFoundError) return undefined;
        throw err;
      }
      // The newest entry of any kind (update, refresh, destroy, import), without --show-secrets:
      // the fingerprint and the tenants are plaintext, and no decrypter is needed.
      const [last] = await stack.history(1, 1, false);
      if (!last) return undefined;
      const value = (key: string) => last.config?.[key]?.value;
      const tenants = value(`${TENANT_KEYS_PROJECT}:tenants`);
      return {
        kind: last.kind,
        result: last.result,
        fingerprint: value(FINGERPRINT_KEY),
        tenants: tenants ? (JSON.parse(tenants) as string[]) : undefined,
      } satisfies DeployedShard;
    },
    up: async (shard, onOutput) => {
      const { Stack } = await import("@pulumi/pulumi/automation");
      const name = stackName(shard);
      const stack = await Stack.createOrSelect(name, await workspace());
      const withLock = async <T>(what: () => Promise<T>): Promise<T> => {
        try {
          return await what();
        } catch (err) {
          const locked = lockedBy(err, name);
          if (!locked || !options.cancelStaleUpdate) throw locked ?? err;
          const refusal = staleLockRefusal(locked);
          if (refusal)
            throw new StackLocked(name, `${locked.detail}\n  --cancel-stale-update refused: ${refusal}.`);
          options.log(`${name}: cancelling the stale update that holds its lock (--cancel-stale-update)`);
          await stack.cancel();
          return what().catch((again) => {
            throw lockedBy(again, name) ?? again;
          });
        }
      };
      await withLock(() => recoverPending(stack, name));
      await stack.setAllConfig(
        Object.fromEntries(
          Object.entries({ ...shard.config, [FINGERPRINT_KEY]: shard.fingerprint }).map(([k, value]) => [
            k,
            { value },
          ]),
        ),
      );
      const diagnostics: ShardDiagnostic[] = [];
      const onEvent = (event: EngineEvent) => {
        const d = event.diagnosticEvent;
        if (d && (d.severity === "error" || d.severity === "info#err"))
          diagnostics.push({ urn: d.urn, message: d.message.trim() });
      };
      try {
        const result = await withLock(() =>
          stack.up({
            onOutput,
            onEvent,
            color: "never",
            parallel: options.parallel,
            signal: options.signal,
            policyPacks: [path.join(PROJECT_ROOT, "policies", "tenant-keys")],
          }),
        );
        return { changes: (result.summary.resourceChanges ?? {}) as Record<string, number> };
      } catch (err) {
        if (err instanceof Error && err.name === "StackLocked") throw err;
        throw new ShardUpFailure(name, diagnostics, err);
      }
    },
  };

  /**
   * Operations an interrupted `up` left pending (`pulumi stack export`). A key whose create was cut
   * off may exist in Cloud KMS: it is imported with its id, never created again (a KMS key name is
   * never free again, so a second create fails with 409 on every later run); a create Google does
   * not have is cleared; the refresh clears the rest. All with one `pulumi refresh`
   * (pkg/cmd/pulumi/operations/refresh.go: `--import-pending-creates <urn> <id>…`,
   * `--clear-pending-creates`).
   */
  async function recoverPending(stack: Stack, name: string): Promise<void> {
    const seen = pendingOperations(await stack.exportStack());
    if (!seen.length) return;
    // Read again once the lock was free: a live update's creates in flight are pending too
    // (pkg/backend/snapshot.go), and must not be judged as an interrupted run's. Any refresh takes
    // the lock, and any snapshot it writes keeps only the base's pending creates: "Track pending
    // create operations from the base snapshot and propagate them to the new snapshot" (snapshot.go,
    // snap()); a pending update or delete is dropped. So with one of those, the refresh must read
    // every resource from Google Cloud — the CLI's own remedy ("you can repair your stack using
    // `pulumi refresh` which will refresh the state from the provider … and clear the pending
    // operations", pkg/resource/deploy/deployment_executor.go) — or the update would diff against
    // a state that an interrupted update or delete may have made untrue. With pending creates only,
    // a refresh of the root Stack resource alone takes the lock and calls no provider (the root
    // exists: it is the first step of every update).
    const others = seen.filter((p) => p.op !== "creating");
    const [, project, short] = name.split("/");
    if (others.length)
      options.log(
        `${name}: ${others.length} update(s)/delete(s) left pending by an interrupted run (${others.map((p) => `${p.urn} ${p.op}`).join(", ")}): refreshing every resource of the shard from Google Cloud before the update`,
      );
    await stack.refresh({
      ...(others.length
        ? {}
        : { target: [`urn:pulumi:${short}::${project}::pulumi:pulumi:Stack::${project}-${short}`] }),
      color: "never",
      signal: options.signal,
    });
    const pending = pendingOperations(await stack.exportStack());
    if (!pending.length) return;
    const creates = pending.filter((p) => p.op === "creating");
    const unknown = creates.filter((p) => p.type !== KEY);
    if (unknown.length)
      throw new Error(
        `${name}: pending creates of types this tool cannot check (${unknown.map((p) => p.urn).join(", ")}): resolve them by hand (docs/operations.md)`,
      );
    const imports: string[] = [];
    let cleared = 0;
    for (const p of creates) {
      const id = keyId(p);
      if (await options.keyExists(id))
        imports.push("--import-pending-creates", p.urn, "--import-pending-creates", id);
      else cleared++;
    }
    options.log(
      `${name}: ${pending.length} operation(s) left pending by an interrupted run: importing ${imports.length / 4} key(s) that exist in Cloud KMS, clearing ${cleared} create(s) that did not happen`,
    );
    await runPulumi(
      [
        "refresh",
        "--stack",
        name,
        "--yes",
        "--skip-preview",
        "--color",
        "never",
        ...imports,
        ...(cleared ? ["--clear-pending-creates"] : []),
      ],
      workDir,
      options.signal,
    );
  }
}

/** The provider's id of a KMS key (magic-modules mmv1/products/kms/CryptoKey.yaml: `{{key_ring}}/cryptoKeys/{{name}}`). */
export function keyId(p: PendingOperation): string {
  return `${String(p.inputs.keyRing)}/cryptoKeys/${String(p.inputs.name)}`;
}

/**
 * The platform stack's `tenantKeys` output, read through the Automation API before any shard is
 * touched: the shards read it themselves, and it exists only once the platform is deployed with it.
 */
export async function platformTenantKeys(platformReference: string): Promise<unknown> {
  // --stack is passed: the platform project's selected stack is left as the operator had it. A
  // backend that cannot be read throws StackOutputsUnreadable (exit 3); a stack not deployed yet,
  // or deployed without the output, is a missing prerequisite (PlatformNotReady, exit 2).
  let output: unknown;
  try {
    output = (await readStackOutputs(platformReference)).tenantKeys;
  } catch (err) {
    if (err instanceof StackNotFound) throw new PlatformNotReady(err.message);
    throw err;
  }
  if (!output)
    throw new PlatformNotReady(
      `platform stack ${platformReference} has no tenantKeys output: run \`pulumi up\` on it first (after \`tenants migrate\` for a stack deployed before the shards)`,
    );
  return output;
}

/** The platform stack is not deployed (with its tenantKeys output): run its `pulumi up` first (exit 2). */
export class PlatformNotReady extends Error {}

/**
 * The secrets provider of the platform stack, from its stack file: the shards get the same one
 * (`pulumi stack init --secrets-provider`), not a backend's default. A cloud KMS provider is named
 * by `secretsprovider`; the passphrase provider leaves only `encryptionsalt`
 * (pkg/secrets/passphrase/manager.go); neither means the backend's default (Pulumi Cloud's service
 * provider), which needs no flag.
 */
export function platformSecretsProvider(stackFile: string): string | undefined {
  if (!fs.existsSync(stackFile)) return undefined;
  const doc = (loadYaml(fs.readFileSync(stackFile, "utf8")) ?? {}) as {
    secretsprovider?: string;
    encryptionsalt?: string;
  };
  return doc.secretsprovider ?? (doc.encryptionsalt ? "passphrase" : undefined);
}
