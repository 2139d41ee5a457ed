import * as path from "path";
import { loadStack, readStackFile, StackFileError } from "../../harness/stackFile";
import { ConfigError, configFromValues } from "../../platform/config/read";
import { PROJECT_NAME } from "../../platform/config/keys";
import { failInput } from "../cli/exitCodes";
import { defaultPlatformReference } from "./platformFacts";
import { loadShardSet, ShardSetError } from "./shardSet";

/** The options every `tenants` subcommand takes. */
export interface Common {
  stack: string;
  stackFile?: string;
  tenantsFile?: string;
  ledger?: string;
  limit?: number;
  platformStack?: string;
  json?: boolean;
}

/**
 * A path the user gave, resolved where they ran `npm run` (npm runs scripts from the package root
 * and passes the original directory as INIT_CWD).
 */
export function userPath(p: string): string;
export function userPath(p: string | undefined): string | undefined;
export function userPath(p: string | undefined): string | undefined {
  return p === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** The platform stack's configuration and the shard set; bad input exits with code 2. */
export function loadInputs(opts: Common) {
  opts = { ...opts, ledger: userPath(opts.ledger), stackFile: userPath(opts.stackFile) };
  try {
    const stackConfig = opts.stackFile ? readStackFile(opts.stackFile, opts.stack) : loadStack(opts.stack);
    const config = configFromValues(stackConfig.values, opts.stack, stackConfig.secretKeys);
    const set = loadShardSet(config, {
      tenantsFile: opts.tenantsFile,
      ledger: opts.ledger,
      limit: opts.limit,
    });
    // Fully qualified: a short name resolves in the *current* project, which for the shards (run in
    // tenant-keys/) is qairopay-tenant-keys, not the platform's.
    if (opts.platformStack !== undefined && !/^[\w.-]+\/[\w.-]+\/[\w.-]+$/.test(opts.platformStack))
      failInput(
        `--platform-stack ${opts.platformStack}: give it fully qualified, <org>/${PROJECT_NAME}/<stack> (a short name would resolve in the shards' own project)`,
      );
    const reference = opts.platformStack ?? defaultPlatformReference(opts.stack);
    return { stackConfig, config, set, reference };
  } catch (err) {
    if (err instanceof StackFileError || err instanceof ConfigError || err instanceof ShardSetError)
      failInput(err.message);
    throw err;
  }
}
