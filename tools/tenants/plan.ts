import { isMandatory } from "../../engine/policyEvaluator";
import { EXIT_MANDATORY_VIOLATION, EXIT_OK, failInput, writeOut } from "../cli/exitCodes";
import { progress } from "../cli/progress";
import { Common, loadInputs, userPath } from "./inputs";
import { planAllShards } from "./planAll";
import { platformFacts } from "./platformFacts";
import type { ShardReport } from "./planWorker";
import { SelectOptions, selectShards } from "./selection";
import { ShardSetError } from "./shardSet";

export type PlanOptions = Common & SelectOptions & { workers?: number };

/**
 * `tenants plan`: the whole-registry check (the ledger agrees with the registry, every tenant in
 * one shard, no shard over its limit: no shard program constructed), then the selected shards
 * (every one, those changed since a ledger or a git ref, a group of N) planned offline (program,
 * tenant-key pack, rehearsal) in child processes, and the cross-shard check of their tenants;
 * `--json` is streamed shard by shard.
 */
export async function planTenantKeys(opts: PlanOptions): Promise<number> {
  const { stackConfig, config, set, reference } = loadInputs(opts, { fresh: true });
  let chosen;
  try {
    chosen = selectShards(set.shards, set.assignment.ledger, set.ledgerPath, opts.stack, {
      ...opts,
      sinceLedger: userPath(opts.sinceLedger),
    });
  } catch (err) {
    if (err instanceof ShardSetError) failInput(err.message);
    throw err;
  }
  const { shards, selection } = chosen;
  // The platform's offline plan only if a shard is to be planned: a change that moves no shard (a
  // tenant retired) costs no Pulumi program at all. planAllShards awaits it only for a shard.
  const platform = shards.length
    ? platformFacts(config, stackConfig, reference)
    : new Promise<never>(() => undefined);
  const bar = progress(`planning ${shards.length} shard stacks`, shards.length);
  let failed = false;
  let first = true;
  if (opts.json) await writeOut('{\n  "shards": [\n');
  const onReport = async (report: ShardReport) => {
    const mandatory = report.violations.filter(isMandatory).length;
    const errors = report.rehearsal.filter((f) => f.severity === "error").length;
    if (mandatory || errors) failed = true;
    if (opts.json) {
      const entry = {
        stack: report.shard.stack,
        tenants: report.shard.tenants,
        resources: report.resources,
        violations: report.violations,
        rehearsal: report.rehearsal,
      };
      await writeOut(`${first ? "" : ",\n"}    ${JSON.stringify(entry)}`);
      first = false;
    } else {
      bar.stop();
      await writeOut(
        `${report.shard.stack.padEnd(22)} ${String(report.shard.tenants.length).padStart(5)} tenants ${String(report.keks.length).padStart(6)} keys  ${report.violations.length} violations (${mandatory} mandatory)  ${report.rehearsal.length} rehearsal findings (${errors} errors)  ${report.seconds.toFixed(1)} s\n` +
          report.violations
            .map(
              (v) =>
                `    ${v.enforcementLevel.toUpperCase()} ${v.policyName} ${v.urn}\n      ${v.message.split("\n").pop()}\n`,
            )
            .join("") +
          report.rehearsal
            .map((f) => `    ${f.severity.toUpperCase()} ${f.rule} ${f.urn}\n      ${f.message}\n`)
            .join(""),
      );
    }
  };
  // The cross-shard check covers the registered tenants of the shards planned.
  const registered = new Set(set.tenants);
  const result = await planAllShards(
    platform,
    config.regions,
    shards.flatMap((s) => s.tenants.filter((t) => registered.has(t))),
    set.assignment.ledger.limit,
    shards,
    { workers: opts.workers, withResources: !!opts.json, onReport, onProgress: (done) => bar.update(done) },
  );
  bar.stop();
  if (result.coverage.length) failed = true;
  const summary = {
    tenants: set.tenants.length,
    shards: set.shards.length,
    limit: set.assignment.ledger.limit,
    keks: result.keks,
    added: set.assignment.added.length,
    removed: set.assignment.removed,
    // Added fields (issue #23): the shard stacks planned, and how they were chosen.
    planned: result.shards,
    selection,
  };
  if (opts.json) {
    await writeOut(
      `\n  ],\n  "coverage": ${JSON.stringify(result.coverage)},\n  "summary": ${JSON.stringify(summary)}\n}\n`,
    );
  } else {
    await writeOut(
      `\n${summary.tenants} tenants in ${summary.shards} shard stacks of at most ${summary.limit}; ` +
        `${summary.removed.length} retired (their keys stay). Whole-registry check: the ledger agrees with the registry, every tenant in one shard, none over the limit.\n` +
        `Planned ${summary.planned} of ${summary.shards} shard stacks${describe(selection)}; ${summary.keks} keys.\n` +
        (result.coverage.length
          ? `Cross-shard check: ${result.coverage.length} problems\n${result.coverage.map((c) => `  ${c.problem}\n`).join("")}`
          : "Cross-shard check: every tenant has a KEK in every serving region, in exactly one shard.\n"),
    );
  }
  return failed ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}

function describe(selection: { by: string; reason?: string; group?: string }): string {
  const by =
    selection.by === "all"
      ? ""
      : selection.reason
        ? ` (${selection.reason})`
        : ` (those whose tenants changed, ${selection.by})`;
  return by + (selection.group ? `, group ${selection.group}` : "");
}
