import * as fs from "fs";
import * as path from "path";
import { EXIT_MANDATORY_VIOLATION, EXIT_OK, failInput } from "../cli/exitCodes";
import { progress } from "../cli/progress";
import { acquireRunLock, RunLockError } from "../cli/runLock";
import { automationShardStacks, platformTenantKeys } from "./automation";
import { deployShards, Journal, ShardDeployment, ShardStacks } from "./deployShards";
import { shardFingerprint } from "./fingerprint";
import { Common, loadInputs, userPath } from "./inputs";
import { shardConfigValues } from "./shardPlan";
import { defaultLedgerPath, writeLedger } from "./shardSet";

export interface UpOptions extends Common {
  confirmStack: string;
  concurrency: number;
  attempts: number;
  resume?: string;
  journalDir: string;
}

/**
 * `tenants up`: records the assignment in the ledger first (so an interrupted run resumes with the
 * same shards), then creates and updates the shard stacks through the Automation API.
 */
export async function runUp(
  opts: UpOptions,
  stacks?: ShardStacks,
  platformOutput?: () => Promise<unknown>,
): Promise<number> {
  if (opts.confirmStack !== opts.stack)
    failInput(`--confirm-stack ${opts.confirmStack} does not match --stack ${opts.stack}`);
  // Deploying continues the stack's own ledger, even with another registry: tenants never move.
  const ledgerPath = userPath(opts.ledger) ?? defaultLedgerPath(opts.stack);
  const { set, reference, stackConfig } = loadInputs({ ...opts, ledger: ledgerPath });
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
    journalFile = userPath(opts.resume);
  } else {
    fs.mkdirSync(userPath(opts.journalDir), { recursive: true });
    journalFile = path.join(
      userPath(opts.journalDir),
      `${opts.stack}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
    );
    journal = { platformStack: reference, startedAt: new Date().toISOString(), shards: {} };
  }
  let tenantKeys: unknown;
  try {
    tenantKeys = await (platformOutput ?? (() => platformTenantKeys(reference)))();
  } catch (err) {
    failInput((err as Error).message);
  }
  let release: () => void;
  try {
    release = acquireRunLock(ledgerPath);
  } catch (err) {
    if (err instanceof RunLockError) failInput(err.message);
    throw err;
  }
  try {
    writeLedger(ledgerPath, set.assignment.ledger);
    // The shards' provider gets the platform's default project, as the migrated keys' provider has it.
    const gcpProject = stackConfig.values["gcp:project"];
    const deployments: ShardDeployment[] = set.shards.map((shard) => {
      const config = shardConfigValues(reference, shard, gcpProject);
      return { ...shard, config, fingerprint: shardFingerprint(config, tenantKeys) };
    });
    const bar = progress(`tenant-key shard stacks of ${opts.stack}`, set.shards.length, {
      intervalSeconds: 30,
    });
    const outcomes = await deployShards(deployments, stacks ?? automationShardStacks(reference), {
      concurrency: opts.concurrency,
      attempts: opts.attempts,
      journalFile,
      journal,
      onProgress: (done, _total, detail) => bar.update(done, detail),
    });
    bar.stop();
    const failed = outcomes.filter((o) => o.status === "failed");
    const report = { journal: journalFile, ledger: ledgerPath, shards: outcomes };
    process.stdout.write(
      opts.json
        ? JSON.stringify(report, null, 2) + "\n"
        : outcomes
            .map(
              (o) =>
                `${o.stack.padEnd(22)} ${String(o.tenants).padStart(5)} tenants  ${o.status.padEnd(9)} ${o.attempts} attempt(s) ${o.seconds.toFixed(0)} s${o.error ? `\n    ${o.error.split("\n").slice(-3).join("\n    ")}` : ""}`,
            )
            .join("\n") +
            `\n\n${outcomes.length - failed.length}/${outcomes.length} shard stacks done; journal ${journalFile}` +
            (failed.length ? `; re-run with --resume ${journalFile}` : "") +
            "\n",
    );
    return failed.length ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
  } finally {
    release();
  }
}
