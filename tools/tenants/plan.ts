import { isMandatory } from "../../harness/policyEvaluator";
import { EXIT_MANDATORY_VIOLATION, EXIT_OK, writeOut } from "../cli/exitCodes";
import { progress } from "../cli/progress";
import { Common, loadInputs } from "./inputs";
import { planAllShards } from "./planAll";
import { platformFacts } from "./platformFacts";
import type { ShardReport } from "./planWorker";

/**
 * `tenants plan`: every shard planned offline (program, tenant-key pack, rehearsal) in child
 * processes, then the cross-shard check; `--json` is streamed shard by shard.
 */
export async function planTenantKeys(opts: Common & { workers?: number }): Promise<number> {
  const { stackConfig, config, set, reference } = loadInputs(opts);
  const platform = platformFacts(config, stackConfig, reference);
  const bar = progress(`planning ${set.shards.length} shard stacks`, set.shards.length);
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
  const result = await planAllShards(
    platform,
    config.regions,
    set.tenants,
    set.assignment.ledger.limit,
    set.shards,
    { workers: opts.workers, withResources: !!opts.json, onReport, onProgress: (done) => bar.update(done) },
  );
  bar.stop();
  if (result.coverage.length) failed = true;
  const summary = {
    tenants: set.tenants.length,
    shards: result.shards,
    limit: set.assignment.ledger.limit,
    keks: result.keks,
    added: set.assignment.added.length,
    removed: set.assignment.removed,
  };
  if (opts.json) {
    await writeOut(
      `\n  ],\n  "coverage": ${JSON.stringify(result.coverage)},\n  "summary": ${JSON.stringify(summary)}\n}\n`,
    );
  } else {
    await writeOut(
      `\n${summary.tenants} tenants in ${summary.shards} shard stacks of at most ${summary.limit}; ${summary.keks} keys; ` +
        `${summary.added} newly assigned, ${summary.removed.length} no longer registered (their keys stay).\n` +
        (result.coverage.length
          ? `Cross-shard check: ${result.coverage.length} problems\n${result.coverage.map((c) => `  ${c.problem}\n`).join("")}`
          : "Cross-shard check: every tenant has a KEK in every serving region, in exactly one shard.\n"),
    );
  }
  return failed ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}
