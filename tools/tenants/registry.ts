import { loadStack, readStackFile } from "../../engine/stackFile";
import { PROJECT_NAME } from "../../platform/config/keys";
import { readTenantRegistry } from "../../platform/config/tenants";
import type { Common } from "./inputs";
import { readRegistryTenants, ShardSetError } from "./shardSet";

/**
 * The registered tenant ids of a stack (its `tenantsFile`) or of `--tenants-file`, read without the
 * platform's configuration schema (which loads the Pulumi SDK): what `assign` and `check` need, in
 * a few milliseconds. Bad input throws StackFileError or ShardSetError.
 */
export function registeredTenants(opts: Pick<Common, "stack" | "stackFile" | "tenantsFile">): string[] {
  if (opts.tenantsFile) return readRegistryTenants(undefined, opts.tenantsFile);
  const stackConfig = opts.stackFile ? readStackFile(opts.stackFile, opts.stack) : loadStack(opts.stack);
  const file = stackConfig.values[`${PROJECT_NAME}:tenantsFile`];
  if (file === undefined)
    throw new ShardSetError(
      `stack ${opts.stack}: ${PROJECT_NAME}:tenantsFile is not set (the tenant registry under stacks/)`,
    );
  const registry = readTenantRegistry(file);
  if (registry.problems.length) throw new ShardSetError(registry.problems.join("\n"));
  return registry.tenants.map((t) => t.id);
}

/** The `tenants assign` that brings the ledger these options name up to date with their registry. */
export function assignCommand(opts: Common): string {
  return [
    `npm run tenants -- assign --stack ${opts.stack}`,
    opts.stackFile ? ` --stack-file ${opts.stackFile}` : "",
    opts.tenantsFile ? ` --tenants-file ${opts.tenantsFile}` : "",
    opts.ledger ? ` --ledger ${opts.ledger}` : "",
    opts.limit !== undefined ? ` --limit ${opts.limit}` : "",
  ].join("");
}
