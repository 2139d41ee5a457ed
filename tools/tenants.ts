import { Command } from "commander";
import { runCommand } from "./cli/crash";
import { EXIT_OK, positiveNumber, verboseOption } from "./cli/exitCodes";
import { Common } from "./tenants/inputs";
import { planTenantKeys } from "./tenants/plan";
import { runUp } from "./tenants/up";
import { runMigrate } from "./tenants/migrate";

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
      "the shard ledger (default: stacks/tenant-shards.<stack>.json; `plan --tenants-file` starts from none, `up` always continues the stack's)",
    )
    .option("--limit <n>", "tenants per shard (default: the ledger's, else 1000)", positiveNumber)
    .option(
      "--platform-stack <ref>",
      "the platform stack, fully qualified <org>/qairopay-platform/<stack> (default: organization/qairopay-platform/<stack>, a self-managed backend's name)",
    )
    .option("--json", "print JSON");

common(program.command("plan"))
  .description(
    "plan and check every shard offline (no credentials): each shard's program, policy pack and rehearsal, and every tenant's KEK in every region across the shards",
  )
  .option(
    "--workers <n>",
    "shards planned side by side (default: the machine's cores, at most 4)",
    positiveNumber,
  )
  .action(async (opts: Common & { workers?: number }) => {
    process.exitCode = await planTenantKeys(opts);
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
    process.exitCode = await runUp(opts);
  });

common(program.command("migrate"))
  .description(
    "move the tenant KEKs of a platform stack deployed before the shards into the shard stacks, by `pulumi state move`, rehearsed offline first",
  )
  .requiredOption("--state <export>", "`pulumi stack export` of the platform stack")
  .option("--out <file>", "write the migration script here")
  .action(async (opts) => {
    process.exitCode = await runMigrate(opts);
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
