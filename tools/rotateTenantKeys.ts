import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  commandProgram,
  EXIT_OK,
  failInput,
  parseArguments,
  positiveNumber,
  verboseOption,
} from "./cli/exitCodes";
import { accessTokenSource } from "./keyRotation/accessToken";
import { JournalError, RotationJournal } from "./keyRotation/journal";
import { KmsClient } from "./keyRotation/kmsClient";
import { outcomeByShard, renderOutcome, renderPlan } from "./keyRotation/report";
import { progress } from "./cli/progress";
import { loadShardSet, ShardSetError } from "./tenants/shardSet";
import { rotateTenantKeys } from "./keyRotation/rotateTenantKeys";
import { planRotation, RotationPlan, tenantKekRing } from "./keyRotation/rotationPlan";
import { DeployedRingsError, deployedRings } from "./keyRotation/deployedRings";
import { PulumiCliMissing } from "./cli/pulumiCli";
import { Region } from "../vocabulary/regions";
import { acquireRunLock, RunLockError } from "./cli/runLock";
import { loadPlatformConfig } from "./cli/stackConfig";
import { CliCommand, CommandIO, runIfMain, write } from "./cli/command";

/** Exit code when the plan exceeds the 15-minute budget or the rotation left keys unrotated. */
const EXIT_INCOMPLETE = 1;

const buildProgram = (io: CommandIO) =>
  commandProgram("rotate-tenant-keys", io)
    .description(
      "Emergency rotation of every tenant KEK in every region (ENC-06). Without --execute it only prints the " +
        "plan (no credentials needed) and exits 1 if the plan exceeds the 15-minute budget.",
    )
    .requiredOption("--stack <name>", "stack whose KEKs to rotate (reads stacks/Pulumi.<name>.yaml)")
    .option("--stack-file <path>", "read the configuration from this file instead")
    .option("--execute", "rotate for real (needs --confirm-stack and --reason)")
    .option("--confirm-stack <name>", "the stack name again: a guard against rotating the wrong stack")
    .option("--reason <text>", "incident or ticket reference, recorded in the journal")
    .option("--resume <journal>", "finish an interrupted rotation recorded in this journal")
    .option("--journal-dir <dir>", "where rotation journals are kept", ".key-rotations")
    .option(
      "--write-quota <perMinute>",
      "granted KMS write quota per region (default: what the stack requests)",
      positiveNumber,
    )
    .option("--utilisation <share>", "share of the quota to use", positiveNumber, 0.9)
    .option("--concurrency <n>", "keys in flight per region", positiveNumber, 16)
    .option("--endpoint <url>", "Cloud KMS endpoint", "https://cloudkms.googleapis.com")
    .option(
      "--kms-project <id>",
      "with --execute: the KMS project as deployed, when the stack's outputs cannot be read (default: the stack output tenantKeys, via the Pulumi CLI)",
    )
    .option("--json", "print JSON instead of text")
    .addOption(verboseOption());

interface Options {
  stack: string;
  stackFile?: string;
  execute?: boolean;
  confirmStack?: string;
  reason?: string;
  resume?: string;
  journalDir: string;
  writeQuota?: number;
  utilisation: number;
  concurrency: number;
  endpoint: string;
  kmsProject?: string;
  json?: boolean;
}

async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const program = buildProgram(io);
  const stop = parseArguments(program, argv);
  if (stop !== undefined) return stop;
  const opts = program.opts<Options>();
  if (opts.utilisation > 1) failInput("--utilisation must be at most 1");
  if (opts.kmsProject && !opts.execute) failInput("--kms-project goes with --execute");
  if (!opts.execute) {
    const { plan } = loadPlan(opts, io);
    await write(
      io.stdout,
      opts.json ? JSON.stringify(planJson(plan), null, 2) + "\n" : renderPlan(plan) + "\n",
    );
    return plan.withinBudget ? EXIT_OK : EXIT_INCOMPLETE;
  }
  if (opts.confirmStack !== opts.stack) failInput(`--execute needs --confirm-stack ${opts.stack}`);
  if (!opts.reason?.trim()) failInput("--execute needs --reason (the incident or ticket reference)");
  // The rings as deployed: an ephemeral stack's KMS project id carries a generation suffix.
  const { plan, shardOfTenant } = loadPlan(opts, io, await deployed(opts));

  const client = new KmsClient({
    endpoint: opts.endpoint,
    accessToken: accessTokenSource({ env: io.env }),
    quotaProject: plan.project,
  });
  const journal = opts.resume ? resumeJournal(opts.resume, opts.stack) : await newJournal(opts, plan, client);
  let release: () => void;
  try {
    release = acquireRunLock(journal.path);
  } catch (err) {
    if (err instanceof RunLockError) failInput(`rotation ${err.message}`);
    throw err;
  }
  io.stderr.write(`journal: ${journal.path}\n`);
  if (!plan.withinBudget) {
    io.stderr.write(`warning: ${renderPlan(plan).split("\n").pop()}\n`);
  }
  // One bar over every region's keys (cli-progress on a terminal, a line every 10 s otherwise).
  const doneByRegion = new Map<string, number>();
  const total = plan.regions.reduce((n, r) => n + r.expectedKeys.length, 0);
  const bar = progress(`rotating tenant KEKs of ${opts.stack}`, total);
  try {
    const outcome = await rotateTenantKeys({
      plan,
      client,
      journal,
      concurrency: opts.concurrency,
      onKeyRotated: (region, done) => {
        doneByRegion.set(region, done);
        bar.update(
          [...doneByRegion.values()].reduce((a, b) => a + b, 0),
          [...doneByRegion].map(([r, n]) => `${r} ${n}`).join(", "),
        );
      },
    });
    bar.stop();
    const byShard = outcomeByShard(outcome, shardOfTenant, plan.shards);
    await write(
      io.stdout,
      opts.json
        ? JSON.stringify({ ...outcome, shards: byShard }, null, 2) + "\n"
        : renderOutcome(outcome, byShard) + "\n",
    );
    return outcome.complete ? EXIT_OK : EXIT_INCOMPLETE;
  } finally {
    release();
  }
}

/** The rotation plan, with the shard stacks the ledger assigns the registry's tenants to. */
function loadPlan(
  opts: Options,
  io: CommandIO,
  rings?: Record<Region, string>,
): { plan: RotationPlan; shardOfTenant: Map<string, string> } {
  const config = loadPlatformConfig(opts.stack, opts.stackFile);
  // The shard figures are a report: a ledger problem must not stop an emergency rotation, which
  // lists the rings themselves.
  let shards = [{ shard: 0, stack: `${config.stack} (no ledger)`, tenants: config.tenants.map((t) => t.id) }];
  try {
    shards = loadShardSet(config).shards;
  } catch (err) {
    if (!(err instanceof ShardSetError)) throw err;
    io.stderr.write(`warning: no per-shard figures: ${err.message}\n`);
  }
  const shardOfTenant = new Map(shards.flatMap((s) => s.tenants.map((t) => [t, s.stack] as const)));
  const plan = planRotation(
    config,
    { writeQuotaPerMinute: opts.writeQuota, utilisation: opts.utilisation, rings },
    shards,
  );
  return { plan, shardOfTenant };
}

/** The rings of the deployed stack (its outputs), or of the project the operator names. */
async function deployed(opts: Options): Promise<Record<Region, string>> {
  const regions = loadPlatformConfig(opts.stack, opts.stackFile).regions;
  if (opts.kmsProject) {
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(opts.kmsProject))
      failInput(`--kms-project ${opts.kmsProject}: not a Google Cloud project id`);
    return Object.fromEntries(regions.map((r) => [r, tenantKekRing(opts.kmsProject as string, r)])) as Record<
      Region,
      string
    >;
  }
  try {
    return await deployedRings(opts.stack, regions);
  } catch (err) {
    if (err instanceof DeployedRingsError || err instanceof PulumiCliMissing)
      failInput(`${err.message} (or give --kms-project <the deployed KMS project id>)`);
    throw err;
  }
}

function planJson(plan: RotationPlan) {
  // Key names are derivable from the registry; the counts are what a reviewer needs.
  return {
    ...plan,
    regions: plan.regions.map(({ expectedKeys, ...r }) => ({ ...r, keys: expectedKeys.length })),
  };
}

function resumeJournal(file: string, stack: string): RotationJournal {
  let journal: RotationJournal;
  try {
    journal = RotationJournal.open(file);
  } catch (err) {
    if (err instanceof JournalError) failInput(err.message);
    throw err;
  }
  if (journal.header.stack !== stack)
    failInput(`${file} records a rotation of stack ${journal.header.stack}, not ${stack}`);
  if (journal.isFinished) failInput(`${file} records a rotation that already completed`);
  return journal;
}

/** Refuses to start a second rotation while one of the same stack is unfinished. */
async function newJournal(opts: Options, plan: RotationPlan, client: KmsClient): Promise<RotationJournal> {
  fs.mkdirSync(opts.journalDir, { recursive: true });
  for (const name of fs
    .readdirSync(opts.journalDir)
    .filter((f) => f.startsWith(`${opts.stack}-`) && f.endsWith(".jsonl"))) {
    const file = path.join(opts.journalDir, name);
    if (!RotationJournal.open(file).isFinished) {
      failInput(`rotation ${file} is unfinished: finish it with --resume ${file}`);
    }
  }
  // The service's clock, not ours, decides which primaries are new (second precision, rounded down).
  const { serverTime } = await client.listCryptoKeys(plan.regions[0].ring);
  const startedAt = new Date(Math.floor(serverTime.getTime() / 1000) * 1000).toISOString();
  const rotationId = `${opts.stack}-${startedAt.replace(/[:.]/g, "-")}`;
  return RotationJournal.create(path.join(opts.journalDir, `${rotationId}.jsonl`), {
    rotationId,
    stack: opts.stack,
    startedAt,
    reason: opts.reason ?? "",
    operator: os.userInfo().username,
  });
}

export const command: CliCommand = { name: "rotate-tenant-keys", run: main };
runIfMain(module, command);
