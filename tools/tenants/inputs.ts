import { loadStack, readStackFile, StackFileError } from "../../engine/stackFile";
import { ConfigError, configFromValues } from "../../platform/config/read";
import { PROJECT_NAME } from "../../platform/config/keys";
import { failInput } from "../cli/exitCodes";
import { userPath } from "./paths";
import { assignCommand } from "./registry";

export { userPath };
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

/** The platform stack's configuration; bad input throws StackFileError or ConfigError. */
export function loadStackConfig(opts: Common) {
  const stackFile = userPath(opts.stackFile);
  const stackConfig = stackFile ? readStackFile(stackFile, opts.stack) : loadStack(opts.stack);
  const config = configFromValues(stackConfig.values, opts.stack, stackConfig.secretKeys);
  return { stackConfig, config };
}

/**
 * The platform stack's configuration and the shard set; bad input exits with code 2. `fresh`: the
 * ledger must agree with the registry (`plan`, `up`), else exit 2 naming `tenants assign`.
 */
export function loadInputs(opts: Common, { fresh = false }: { fresh?: boolean } = {}) {
  const hint = assignCommand(opts);
  opts = { ...opts, ledger: userPath(opts.ledger), stackFile: userPath(opts.stackFile) };
  try {
    const { stackConfig, config } = loadStackConfig(opts);
    const set = loadShardSet(config, {
      tenantsFile: opts.tenantsFile,
      ledger: opts.ledger,
      limit: opts.limit,
      assignCommand: fresh ? hint : undefined,
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
