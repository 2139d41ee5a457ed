import { ResourceChange } from "../../engine/preview/diff";
import { STATEFUL_TYPES } from "../../engine/preview/guard";
import { Prerequisite, prerequisitesOf } from "../../engine/rehearsal/facts/prerequisites";
import { RehearsalFinding } from "../../engine/rehearsal/rehearse";
import { gatherStackFacts } from "../../engine/rehearsal/stackFacts";
import { CapturedResource } from "../../engine/model";

function summary(findings: RehearsalFinding[]): string {
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}

export const hasRehearsalError = (findings: RehearsalFinding[]): boolean =>
  findings.some((f) => f.severity === "error");

/** The text section: one block per finding, the resource that would fail named first. */
export function renderRehearsalText(
  findings: RehearsalFinding[],
  title = "Apply rehearsal (what a first `pulumi up` would meet)",
): string {
  const lines = ["", `${title}: ${summary(findings)}`];
  for (const f of findings) {
    lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.rule}`);
    lines.push(`           ${f.urn}`);
    lines.push(`           ${f.message}`);
  }
  if (!findings.length) lines.push("  No findings.");
  return lines.join("\n");
}

/** The Markdown section of a pull-request comment. */
export function renderRehearsalMarkdown(findings: RehearsalFinding[]): string {
  const lines = [
    `#### ${hasRehearsalError(findings) ? "❌" : "✅"} Apply rehearsal — ${summary(findings)}`,
    "",
  ];
  if (findings.length) {
    lines.push("| Severity | Rule | Resource | Message |", "|---|---|---|---|");
    for (const f of findings)
      lines.push(
        `| ${f.severity} | \`${f.rule}\` | \`${f.urn.split("::").pop()}\` | ${f.message.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`,
      );
  }
  return lines.join("\n");
}

const OP_ORDER: ResourceChange["op"][] = ["replace", "delete", "create", "update", "same"];
const OP_TITLE: Record<ResourceChange["op"], string> = {
  replace: "Replaced (deleted, then created again)",
  delete: "Deleted",
  create: "Created",
  update: "Updated in place",
  same: "Unchanged",
};

/** Changes grouped by operation, stateful resources first in each group; unchanged ones counted only. */
function groups(changes: ResourceChange[]): [ResourceChange["op"], ResourceChange[]][] {
  const stateFirst = (a: ResourceChange, b: ResourceChange) =>
    Number(b.type in STATEFUL_TYPES) - Number(a.type in STATEFUL_TYPES);
  return OP_ORDER.map((op) => [op, changes.filter((c) => c.op === op).sort(stateFirst)]);
}

/** One change: its fields, a replacement's forcing fields named once (not again among the others). */
export const describeChange = (c: ResourceChange) => {
  const forcing = c.op === "replace" ? c.replaceFields : [];
  const others = c.fields.filter((f) => !forcing.includes(f));
  const parts = [
    ...(forcing.length ? [`${forcing.join(", ")} forces it`] : []),
    ...(others.length ? [forcing.length ? `also ${others.join(", ")}` : others.join(", ")] : []),
  ];
  return `${c.urn.split("::").pop()} (${c.type})${c.type in STATEFUL_TYPES ? " [stateful]" : ""}${
    parts.length ? `: ${parts.join("; ")}` : ""
  }`;
};

export function renderChangesText(changes: ResourceChange[], command = "pulumi up"): string {
  const lines = ["", `What \`${command}\` would do:`];
  const section = (title: string, list: ResourceChange[], listed = true) => {
    if (!list.length) return;
    lines.push(`  ${title} (${list.length})`);
    if (listed) for (const c of list) lines.push(`    ${describeChange(c)}`);
  };
  for (const [op, list] of groups(changes)) {
    if (op !== "delete") section(OP_TITLE[op], list, op !== "same");
    else {
      // A retained resource is not deleted: the stack forgets it and the cloud keeps it (issue #28 item 9).
      section(
        OP_TITLE.delete,
        list.filter((c) => !c.retained),
      );
      section(
        RETAINED_TITLE,
        list.filter((c) => c.retained),
      );
    }
  }
  return lines.join("\n");
}

const RETAINED_TITLE = "Kept in the cloud, forgotten by the stack (retainOnDelete)";

/** Findings counted per rule, errors first: the summary a long report opens with. */
export function renderFindingsSummaryText(findings: RehearsalFinding[]): string {
  if (!findings.length) return "";
  const counts = new Map<string, { errors: number; warnings: number }>();
  for (const f of findings) {
    const c = counts.get(f.rule) ?? { errors: 0, warnings: 0 };
    if (f.severity === "error") c.errors++;
    else c.warnings++;
    counts.set(f.rule, c);
  }
  const rows = [...counts].sort(([a, x], [b, y]) => y.errors - x.errors || a.localeCompare(b));
  return [
    "",
    "Findings by rule:",
    ...rows.map(
      ([rule, c]) =>
        `  ${rule}: ${[c.errors ? `${c.errors} error${c.errors > 1 ? "s" : ""}` : "", c.warnings ? `${c.warnings} warning${c.warnings > 1 ? "s" : ""}` : ""].filter(Boolean).join(", ")}`,
    ),
  ].join("\n");
}

export function renderChangesMarkdown(changes: ResourceChange[]): string {
  const counts = groups(changes)
    .filter(([, l]) => l.length)
    .map(([op, l]) => `${l.length} ${op}`)
    .join(", ");
  const lines = [`#### What \`pulumi up\` would do — ${counts}`, ""];
  for (const [op, list] of groups(changes)) {
    if (!list.length || op === "same") continue;
    lines.push(`**${OP_TITLE[op]}**`, "");
    for (const c of list) lines.push(`- ${describeChange(c).replace(/\|/g, "\\|")}`);
    lines.push("");
  }
  return lines.join("\n");
}

/** The `changes` entries of `rehearse --json`: the public contract of that output. */
export const jsonChange = (c: ResourceChange) => ({
  urn: c.urn,
  op: c.op,
  fields: c.fields,
  ...(c.retained ? { retained: true } : {}),
});

/**
 * What the stack declares its organisation did outside it (Security Command Center, PAM): a
 * rehearsal cannot check these, so it lists them, each with the command that confirms it.
 */
export const declaredPrerequisites = (resources: CapturedResource[]): Prerequisite[] =>
  prerequisitesOf(gatherStackFacts(resources).prerequisites);

export function renderPrerequisitesText(prerequisites: Prerequisite[]): string {
  if (!prerequisites.length) return "";
  // A blank line after the rehearsal's section, which ends without a newline.
  const lines = [
    "",
    "",
    "External prerequisites the stack declares (not verifiable offline; confirm before the first `pulumi up`):",
  ];
  for (const p of prerequisites) lines.push(`  - ${p.what}`, `      verify: ${p.verify}`);
  return lines.join("\n");
}

export function renderPrerequisitesMarkdown(prerequisites: Prerequisite[]): string {
  if (!prerequisites.length) return "";
  return [
    "#### External prerequisites (declared by the stack, confirm before the first `pulumi up`)",
    "",
    ...prerequisites.map((p) => `- ${p.what} — \`${p.verify}\``),
  ].join("\n");
}
