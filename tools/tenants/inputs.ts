import { loadStack, readStackFile, StackFileError } from "../../harness/stackFile";
import { ConfigError, configFromValues } from "../../platform/config/read";
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

/** The platform stack's configuration and the shard set; bad input exits with code 2. */
export function loadInputs(opts: Common) {
  try {
    const stackConfig = opts.stackFile ? readStackFile(opts.stackFile, opts.stack) : loadStack(opts.stack);
    const config = configFromValues(stackConfig.values, opts.stack);
    const set = loadShardSet(config, {
      tenantsFile: opts.tenantsFile,
      ledger: opts.ledger,
      limit: opts.limit,
    });
    const reference = opts.platformStack ?? defaultPlatformReference(opts.stack);
    return { stackConfig, config, set, reference };
  } catch (err) {
    if (err instanceof StackFileError || err instanceof ConfigError || err instanceof ShardSetError)
      failInput(err.message);
    throw err;
  }
}
