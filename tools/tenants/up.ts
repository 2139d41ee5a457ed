import * as fs from "fs";
import * as path from "path";
import { stackFilePath } from "../../engine/stackFile";
import { EXIT_INTERRUPTED, trapSignals } from "../cli/cancellation";
import { EXIT_LOCKED, EXIT_MANDATORY_VIOLATION, EXIT_OK, failInput } from "../cli/exitCodes";
import { progress } from "../cli/progress";
import { acquireRunLock, RunLockError } from "../cli/runLock";
import { accessTokenSource } from "../keyRotation/accessToken";
import { KmsClient } from "../keyRotation/kmsClient";
import {
  automationShardStacks,
  platformSecretsProvider,
  platformTenantKeys,
  PlatformNotReady,
} from "./automation";
import { PulumiCliMissing } from "../cli/pulumiCli";
import { deployShards, Journal, ShardDeployment, ShardOutcome, ShardStacks } from "./deployShards";
import { shardFingerprint } from "./fingerprint";
import { Common, loadInputs, userPath } from "./inputs";
import { shardConfigValues } from "./shardPlan";
import { parseGroup } from "./selection";
import { defaultLedgerPath } from "./shardSet";
import { shardGroup } from "../../tenantKeys/shards";

export interface UpOptions extends Common {
  confirmStack: string;
  concurrency: number;
  attempts: number;
  resume?: string;
  journalDir: string;
  /** Resource operations at once within one shard. */
  parallel: number;
  /** `pulumi cancel` a lock left by an update that no longer runs (never without this flag). */
  cancelStaleUpdate?: boolean;
  /** The Cloud KMS endpoint used to check whether a key whose create was interrupted exists. */
  kmsEndpoint: string;
  /** `I/N`: deploy only the shards of group I of N (tools/tenants/selection.ts). */
  group?: string;
}

/**
 * `tenants up`: deploys the committed ledger (refusing one that disagrees with the registry, so an
 * interrupted run resumes with the same shards and two operators deploy the same), creating and
 * updating the shard stacks through the Automation API. Ctrl-C cancels cleanly: the running shard updates finish their steps in flight and record their state,
 * no new one starts, the journal says what is done, and the same command with `--resume` continues.
 */
export async function runUp(
  opts: UpOptions,
  stacks?: ShardStacks,
  platformOutput?: () => Promise<unknown>,
): Promise<number> {
  if (opts.confirmStack !== opts.stack)
    failInput(`--confirm-stack ${opts.confirmStack} does not match --stack ${opts.stack}`);
  // The committed ledger, as `tenants assign` wrote it: `up` never assigns (a stale one is refused).
  const ledgerPath = userPath(opts.ledger) ?? defaultLedgerPath(opts.stack);
  const { set, reference, stackConfig } = loadInputs(opts, { fresh: true });
  // `--group I/N`: one CI job's share, as `tenants plan --group` (a journal and a run lock of its own).
  let group: { index: number; count: number } | undefined;
  try {
    group = opts.group === undefined ? undefined : parseGroup(opts.group);
  } catch (err) {
    failInput((err as Error).message);
  }
  const shards = group
    ? set.shards.filter((s) => shardGroup(s.shard, group.count) === group.index)
    : set.shards;
  const groupSuffix = group ? `-group-${group.index}-of-${group.count}` : "";
  let journalFile: string;
  let journal: Journal;
  if (opts.resume) {
    try {
      journal = JSON.parse(fs.readFileSync(userPath(opts.resume), "utf8")) as Journal;
    } catch (err) {
      failInput(`--resume ${opts.resume}: ${(err as Error).message}`);
    }
    if (journal.platformStack !== reference)
      failInput(`--resume ${opts.resume}: the journal is of ${journal.platformStack}, not ${reference}`);
    // A resume continues the same share: another group's journal would skip or redo other shards.
    if (journal.group !== opts.group)
      failInput(
        `--resume ${opts.resume}: the journal is of ${journal.group ? `--group ${journal.group}` : "every shard (no --group)"}, not ${opts.group ? `--group ${opts.group}` : "every shard"}: resume with the same selection`,
      );
    journalFile = userPath(opts.resume);
  } else {
    fs.mkdirSync(userPath(opts.journalDir), { recursive: true });
    journalFile = path.join(
      userPath(opts.journalDir),
      `${opts.stack}${groupSuffix}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
    );
    journal = {
      platformStack: reference,
      startedAt: new Date().toISOString(),
      ...(opts.group ? { group: opts.group } : {}),
      shards: {},
    };
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const cancellation = trapSignals(log);
  const kmsClients = new Map<string, KmsClient>();
  const token = accessTokenSource();
  const shardStacks =
    stacks ??
    automationShardStacks(reference, {
      secretsProvider: platformSecretsProvider(
        opts.stackFile ? userPath(opts.stackFile) : stackFilePath(opts.stack),
      ),
      parallel: opts.parallel,
      signal: cancellation.signal,
      cancelStaleUpdate: opts.cancelStaleUpdate,
      log,
      keyExists: async (id) => {
        // Billed to the key's own project, the KMS project whose quota the platform stack sizes.
        const project = id.split("/")[1];
        if (!kmsClients.has(project))
          kmsClients.set(
            project,
            new KmsClient({ endpoint: opts.kmsEndpoint, accessToken: token, quotaProject: project }),
          );
        return (await kmsClients.get(project)?.getCryptoKey(id)) !== undefined;
      },
    });
  let tenantKeys: unknown;
  let cliVersion: string;
  try {
    tenantKeys = await (platformOutput ?? (() => platformTenantKeys(reference)))();
    cliVersion = await shardStacks.cliVersion();
  } catch (err) {
    cancellation.dispose();
    // Bad input or a missing prerequisite exits 2; a backend that cannot be read could not finish (3).
    if (err instanceof PlatformNotReady || err instanceof PulumiCliMissing) failInput(err.message);
    throw err;
  }
  // A run lock per shard it covers, all or none: `up` and `up --group I/N` (or groups of another N)
  // on this machine exclude each other exactly where their shards overlap, and groups of one N,
  // disjoint by construction (shardGroup), run side by side. A held one is exit 4, as a stack lock.
  const releases: (() => void)[] = [];
  const release = () => releases.splice(0).forEach((r) => r());
  try {
    for (const shard of shards) releases.push(acquireRunLock(`${ledgerPath}.${shard.stack}`));
  } catch (err) {
    release();
    cancellation.dispose();
    if (err instanceof RunLockError) {
      process.stderr.write(
        `error: ${err.message}; nothing was changed: wait for it, or deploy another group\n`,
      );
      return EXIT_LOCKED;
    }
    throw err;
  }
  try {
    // The shards' provider gets the platform's default project, as the migrated keys' provider has it.
    const gcpProject = stackConfig.values["gcp:project"];
    const deployments: ShardDeployment[] = shards.map((shard) => {
      const config = shardConfigValues(reference, shard, gcpProject);
      return { ...shard, config, fingerprint: shardFingerprint(config, tenantKeys, cliVersion) };
    });
    const bar = progress(`tenant-key shard stacks of ${opts.stack}`, shards.length, {
      intervalSeconds: 30,
    });
    let outcomes: ShardOutcome[];
    try {
      outcomes = await deployShards(deployments, shardStacks, {
        concurrency: opts.concurrency,
        attempts: opts.attempts,
        journalFile,
        journal,
        signal: cancellation.signal,
        onProgress: (done, _total, detail) => bar.update(done, detail),
      });
    } finally {
      bar.stop();
    }
    const count = (status: ShardOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
    const done = count("updated") + count("unchanged");
    const report = { journal: journalFile, ledger: ledgerPath, shards: outcomes };
    const next = done < outcomes.length ? `; continue with the same command and --resume ${journalFile}` : "";
    process.stdout.write(
      opts.json
        ? JSON.stringify(report, null, 2) + "\n"
        : outcomes
            .map(
              (o) =>
                `${o.stack.padEnd(22)} ${String(o.tenants).padStart(5)} tenants  ${o.status.padEnd(11)} ${o.attempts} attempt(s) ${o.seconds.toFixed(0)} s${o.error ? `\n    ${o.error.split("\n").slice(-6).join("\n    ")}` : ""}`,
            )
            .join("\n") + `\n\n${done}/${outcomes.length} shard stacks done; journal ${journalFile}${next}\n`,
    );
    if (cancellation.reason) return EXIT_INTERRUPTED;
    if (count("failed") || count("refused")) return EXIT_MANDATORY_VIOLATION;
    if (count("locked")) return EXIT_LOCKED;
    return EXIT_OK;
  } finally {
    release();
    cancellation.dispose();
  }
}
