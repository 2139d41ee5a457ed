import { Command } from "commander";
import { runCommand } from "./cli/crash";
import { EXIT_OK, formatOption, positiveNumber, verboseOption } from "./cli/exitCodes";
import type { Common } from "./tenants/inputs";
import type { AssignOptions } from "./tenants/assign";
import type { PlanOptions } from "./tenants/plan";

// Each subcommand loads its own modules when it runs: `assign` and `check` never load the Pulumi SDK.

const program = new Command("tenants")
  .description(
    "Tenant-key shard stacks (docs/tenant-keys.md): each tenant's KEKs live in one shard stack of at most --limit tenants, " +
      "assigned once and never moved (stacks/tenant-shards.<stack>.json).",
  )
  .addOption(verboseOption())
  // --verbose is the program's: each subcommand's --help lists it too.
  .configureHelp({ showGlobalOptions: true })
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const common = (cmd: Command) =>
  cmd
    .requiredOption("--stack <name>", "platform stack (reads stacks/Pulumi.<name>.yaml)")
    .option("--stack-file <path>", "read the platform stack's configuration from this file instead")
    .option(
      "--tenants-file <path>",
      "a tenant registry anywhere (relative to the working directory) instead of the stack's",
    )
    .option(
      "--ledger <path>",
      "the shard ledger (default: stacks/tenant-shards.<stack>.json, whichever the registry); only `assign` writes it, `plan` and `up` refuse a stale one",
    )
    .option(
      "--limit <n>",
      "tenants per shard (default: the ledger's, else 1000); `assign --limit` raises the ledger's, `plan` and `up` refuse one that differs from it",
      positiveNumber,
    )
    .option(
      "--platform-stack <ref>",
      "the platform stack, fully qualified <org>/qairopay-platform/<stack> (default: organization/qairopay-platform/<stack>, a self-managed backend's name)",
    )
    .option("--json", "print JSON");

common(program.command("assign"))
  .description(
    "bring the shard ledger up to date with the registry, as `npm install` does package-lock.json: new tenants to the newest shard with room, then a new shard; removed tenants keep their shard, marked retired; nobody moves",
  )
  .option(
    "--from-ref <git-ref>",
    "start from the ledger at this git ref, not the working copy's: after a merge, the branch merged into (e.g. origin/main), whose tenants keep their shards",
  )
  .action(async (opts: AssignOptions) => {
    process.exitCode = await (await import("./tenants/assign")).runAssign(opts);
  });

common(program.command("check"))
  .description(
    "the whole-registry check, constructing no shard program (CI, every pull request): the ledger agrees with the registry, every tenant in one shard, none over the limit; exit 2 naming `tenants assign` if not",
  )
  .action(async (opts: Common) => {
    process.exitCode = await (await import("./tenants/check")).runCheck(opts);
  });

program
  .command("report")
  .description(
    "join the JSON reports of `tenants plan --group I/N --json` (every group of one N, else exit 2) into one report: `tenants plan --json`'s, or the Markdown pull-request comment",
  )
  .requiredOption("--join <files...>", "the groups' reports")
  .addOption(formatOption().choices(["json", "markdown"]).default("json"))
  .action(async (opts: { join: string[]; format: string }) => {
    process.exitCode = await (await import("./tenants/join")).runJoin(opts);
  });

common(program.command("plan"))
  .description(
    "plan and check every shard offline (no credentials): each shard's program, policy pack and rehearsal, and every tenant's KEK in every region across the shards",
  )
  .option(
    "--workers <n>",
    "shards planned side by side (default: the machine's cores, at most 4)",
    positiveNumber,
  )
  .option(
    "--since-ledger <file>",
    "plan only the shards whose tenants differ between this (older) ledger and the current one",
  )
  .option(
    "--changed-since <git-ref>",
    "plan only the shards whose tenants changed since this git ref's ledger; every shard if anything else that reaches a shard's plan changed (said so)",
  )
  .option(
    "--group <I/N>",
    "plan group I of N: the shards whose number is I-1 modulo N (stable: a shard never changes number); `report --join` joins the groups",
  )
  .action(async (opts: PlanOptions) => {
    process.exitCode = await (await import("./tenants/plan")).planTenantKeys(opts);
  });

common(program.command("up"))
  .description(
    "create missing shard stacks and update those whose tenants changed, through the Automation API",
  )
  .requiredOption(
    "--confirm-stack <name>",
    "the platform stack name again: a guard against deploying the wrong one",
  )
  .option("--concurrency <n>", "shard stacks updated side by side", positiveNumber, 2)
  .option("--attempts <n>", "tries per shard when Cloud KMS answers 429 (quota)", positiveNumber, 5)
  .option("--resume <journal>", "continue an interrupted run recorded in this journal")
  .option("--journal-dir <dir>", "where run journals are kept", ".tenant-keys")
  .option(
    "--group <I/N>",
    "deploy only group I of N (as `plan --group`): one CI job's share, with a journal and a run lock of its own",
  )
  .option(
    "--parallel <n>",
    "resource operations at once within one shard (`pulumi up --parallel`; the CLI's default is 4 per core)",
    positiveNumber,
    4,
  )
  .option(
    "--cancel-stale-update",
    "if a shard stack is locked by an update that no longer runs, `pulumi cancel` it first (never done without this flag)",
  )
  .option(
    "--kms-endpoint <url>",
    "Cloud KMS endpoint, to check whether a key whose create was interrupted exists",
    "https://cloudkms.googleapis.com",
  )
  .action(async (opts) => {
    process.exitCode = await (await import("./tenants/up")).runUp(opts);
  });

common(program.command("migrate"))
  .description(
    "move the tenant KEKs of a platform stack deployed before the shards into the shard stacks, by `pulumi state move`, rehearsed offline first",
  )
  .requiredOption("--state <export>", "`pulumi stack export` of the platform stack")
  .option("--out <file>", "write the migration script here")
  .action(async (opts) => {
    process.exitCode = await (await import("./tenants/migrate")).runMigrate(opts);
  });

async function main(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    // Usage errors commander printed (exit 2), help (0); anything else is a crash (exit 3).
    const code = parseError(err);
    if (code === undefined) throw err;
    return code;
  }
  return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
}

function parseError(err: unknown): number | undefined {
  const code = (err as { code?: string }).code;
  if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help")
    return EXIT_OK;
  if (typeof code === "string" && code.startsWith("commander.")) return 2;
  return undefined;
}

runCommand("tenants", main);
