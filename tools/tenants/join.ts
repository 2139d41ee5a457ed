import * as fs from "fs";
import { isMandatory, Violation } from "../../engine/policyEvaluator";
import { EXIT_MANDATORY_VIOLATION, EXIT_OK, failInput, writeOut } from "../cli/exitCodes";
import { userPath } from "./paths";
import { parseGroup } from "./selection";
import { ShardSetError } from "./shardSet";

interface ShardEntry {
  stack: string;
  tenants: string[];
  resources?: unknown[];
  violations: Violation[];
  rehearsal: { severity: string; rule: string; urn: string; message: string }[];
}

interface PlanReport {
  shards: ShardEntry[];
  coverage: { tenant?: string; shard?: number; problem: string }[];
  summary: {
    tenants: number;
    shards: number;
    limit: number;
    keks: number;
    planned?: number;
    selection?: { by: string; group?: string };
    [key: string]: unknown;
  };
}

/**
 * Joins the `tenants plan --group I/N --json` reports of a CI matrix into the one report
 * `tenants plan --json` prints (shards in stack order, coverage, summary), and refuses a set that is
 * not exactly the groups 1..N of one N: a lost matrix job must not pass for a clean plan.
 */
export function joinReports(reports: { file: string; report: PlanReport }[]): PlanReport {
  if (!reports.length) throw new ShardSetError("--join: no report given");
  const groups = new Map<number, string>();
  let count: number | undefined;
  for (const { file, report } of reports) {
    if (!Array.isArray(report.shards) || !Array.isArray(report.coverage) || !report.summary)
      throw new ShardSetError(`${file}: not the JSON of \`tenants plan --json\``);
    const group = report.summary.selection?.group;
    if (!group) throw new ShardSetError(`${file}: not planned with --group I/N`);
    const { index, count: n } = parseGroup(group);
    if (count !== undefined && n !== count)
      throw new ShardSetError(`${file}: group ${group}, but another report is of ${count} groups`);
    count = n;
    if (groups.has(index))
      throw new ShardSetError(`${file}: group ${group} again (also ${groups.get(index)})`);
    groups.set(index, file);
  }
  const missing = Array.from({ length: count ?? 0 }, (_, i) => i + 1).filter((i) => !groups.has(i));
  if (missing.length)
    throw new ShardSetError(
      `groups ${missing.map((i) => `${i}/${count}`).join(", ")} missing: every group's report is needed`,
    );
  const first = reports[0].report.summary;
  for (const { file, report } of reports)
    if (report.summary.tenants !== first.tenants || report.summary.shards !== first.shards)
      throw new ShardSetError(`${file}: planned from another registry or ledger than ${reports[0].file}`);
  const shards = reports.flatMap((r) => r.report.shards).sort((a, b) => (a.stack < b.stack ? -1 : 1));
  return {
    shards,
    coverage: reports.flatMap((r) => r.report.coverage),
    summary: {
      ...first,
      keks: reports.reduce((n, r) => n + r.report.summary.keks, 0),
      planned: shards.length,
      selection: { by: "all", joined: `${count} groups` } as PlanReport["summary"]["selection"],
    },
  };
}

function failed(report: PlanReport): boolean {
  return (
    report.coverage.length > 0 ||
    report.shards.some(
      (s) => s.violations.some(isMandatory) || s.rehearsal.some((f) => f.severity === "error"),
    )
  );
}

/** The pull-request comment of a (joined) tenants plan. */
export function renderJoinedMarkdown(report: PlanReport): string {
  const bad = failed(report);
  const rows = report.shards.map((s) => {
    const mandatory = s.violations.filter(isMandatory).length;
    const errors = s.rehearsal.filter((f) => f.severity === "error").length;
    return `| \`${s.stack}\` | ${s.tenants.length} | ${s.violations.length} (${mandatory} mandatory) | ${s.rehearsal.length} (${errors} errors) |`;
  });
  const problems = report.shards.flatMap((s) => [
    ...s.violations.map(
      (v) =>
        `- **${v.enforcementLevel}** \`${v.policyName}\` on \`${s.stack}\`: ${v.message.split("\n").pop()}`,
    ),
    ...s.rehearsal.map((f) => `- **${f.severity}** \`${f.rule}\` on \`${s.stack}\`: ${f.message}`),
  ]);
  return (
    `### ${bad ? "❌" : "✅"} Tenant-key shards: ${report.summary.planned ?? report.shards.length} of ${report.summary.shards} planned, ` +
    `${report.summary.tenants} tenants, ${report.summary.keks} keys\n\n` +
    `| shard stack | tenants | violations | rehearsal findings |\n|---|---|---|---|\n${rows.join("\n")}\n\n` +
    (problems.length ? `${problems.join("\n")}\n\n` : "") +
    (report.coverage.length
      ? `**Cross-shard check: ${report.coverage.length} problems**\n${report.coverage.map((c) => `- ${c.problem}`).join("\n")}\n`
      : "Cross-shard check: every tenant has a KEK in every serving region, in exactly one shard.\n")
  );
}

/** `tenants report --join FILE…`: the groups' reports as one, JSON (default) or the Markdown comment. */
export async function runJoin(opts: { join: string[]; format?: string }): Promise<number> {
  let joined: PlanReport;
  try {
    joined = joinReports(
      opts.join.map((file) => {
        let text: string;
        try {
          text = fs.readFileSync(userPath(file), "utf8");
        } catch (err) {
          throw new ShardSetError(`${file} cannot be read (${(err as Error).message})`);
        }
        try {
          return { file, report: JSON.parse(text) as PlanReport };
        } catch (err) {
          throw new ShardSetError(`${file}: not valid JSON (${(err as Error).message})`);
        }
      }),
    );
  } catch (err) {
    if (err instanceof ShardSetError) failInput(err.message);
    throw err;
  }
  if (opts.format === "markdown") await writeOut(renderJoinedMarkdown(joined));
  else {
    // Streamed a shard a line, as `tenants plan --json` does: 100 shards' resources make one large report.
    await writeOut('{\n  "shards": [\n');
    for (const [i, shard] of joined.shards.entries())
      await writeOut(`${i ? ",\n" : ""}    ${JSON.stringify(shard)}`);
    await writeOut(
      `\n  ],\n  "coverage": ${JSON.stringify(joined.coverage)},\n  "summary": ${JSON.stringify(joined.summary)}\n}\n`,
    );
  }
  return failed(joined) ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}
