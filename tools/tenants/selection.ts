import * as fs from "fs";
import { PROJECT_ROOT } from "../../platform/paths";
import { changedShards, ShardLedger, shardGroup } from "../../tenantKeys/shards";
import { changedFiles, ledgerAtRef } from "./ledgerGit";
import { readLedger, ShardSetError } from "./shardSet";
import type { ShardInput } from "./shardPlan";

/** How `tenants plan` chose the shards it planned (the JSON summary's `selection`). */
export interface Selection {
  by: "all" | "since-ledger" | "changed-since";
  /** Why every shard is planned although an incremental plan was asked for. */
  reason?: string;
  /** `--group I/N`, if given. */
  group?: string;
}

export interface SelectOptions {
  sinceLedger?: string;
  changedSince?: string;
  group?: string;
}

/** `I/N` with 1 ≤ I ≤ N; anything else is bad input. */
export function parseGroup(group: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(group);
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || count < 1 || index < 1 || index > count)
    throw new ShardSetError(`--group ${group}: expected I/N with 1 ≤ I ≤ N, e.g. 3/16`);
  return { index, count };
}

/**
 * Files whose change cannot change a shard's plan: the registries and ledgers (the ledgers'
 * difference says which shards changed), other stacks' files, documentation, tests and workflows.
 * Any other changed file (the shard program, the pack, the harness that plans, the platform program
 * whose `tenantKeys` output the shards read, the stack's configuration, the pinned provider and SDK
 * in package.json and package-lock.json) plans every shard: narrower rules would be guesses.
 */
export function shardNeutral(file: string, stack: string): boolean {
  if (/^stacks\/(tenants\.[^/]+\.yaml|tenant-shards\.[^/]+\.json)$/.test(file)) return true;
  const stackFile = /^stacks\/Pulumi\.([^/]+)\.yaml$/.exec(file);
  if (stackFile) return stackFile[1] !== stack;
  return /^(docs|test|\.github)\//.test(file) || /^[^/]+\.md$/.test(file);
}

/**
 * The shards to plan: those whose tenants differ from `--since-ledger`'s or from the ledger at
 * `--changed-since` (every shard when anything else that reaches a shard's plan changed since that
 * ref), then those of `--group I/N`.
 */
export function selectShards(
  shards: ShardInput[],
  ledger: ShardLedger,
  ledgerPath: string | undefined,
  stack: string,
  opts: SelectOptions,
): { shards: ShardInput[]; selection: Selection } {
  if (opts.sinceLedger !== undefined && opts.changedSince !== undefined)
    throw new ShardSetError("--since-ledger and --changed-since: give one");
  let selected = shards;
  let selection: Selection = { by: "all" };
  if (opts.sinceLedger !== undefined) {
    // A ledger that is not there is a typo, not "every shard changed".
    if (!fs.existsSync(opts.sinceLedger))
      throw new ShardSetError(`--since-ledger ${opts.sinceLedger}: no such file`);
    const changed = new Set(changedShards(readLedger(opts.sinceLedger), ledger));
    selected = shards.filter((s) => changed.has(s.shard));
    selection = { by: "since-ledger" };
  } else if (opts.changedSince !== undefined) {
    if (!ledgerPath) throw new ShardSetError("--changed-since needs a ledger");
    const program = changedFiles(opts.changedSince, PROJECT_ROOT, ["."]).filter(
      (f) => !shardNeutral(f, stack),
    );
    selection = { by: "changed-since" };
    if (program.length) {
      selection.reason =
        `every shard planned: ${program.length} file(s) that reach a shard's plan changed since ${opts.changedSince} ` +
        `(${program.slice(0, 5).join(", ")}${program.length > 5 ? ", …" : ""})`;
    } else {
      const changed = new Set(changedShards(ledgerAtRef(opts.changedSince, ledgerPath), ledger));
      selected = shards.filter((s) => changed.has(s.shard));
    }
  }
  if (opts.group !== undefined) {
    const { index, count } = parseGroup(opts.group);
    selected = selected.filter((s) => shardGroup(s.shard, count) === index);
    selection.group = `${index}/${count}`;
  }
  return { shards: selected, selection };
}
