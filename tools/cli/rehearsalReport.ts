import { ResourceChange } from "../../harness/preview/diff";
import { STATEFUL_TYPES } from "../../harness/preview/guard";
import { Prerequisite, prerequisitesOf } from "../../harness/rehearsal/facts/prerequisites";
import { Finding } from "../../harness/rehearsal/rehearse";
import { gatherStackFacts } from "../../harness/rehearsal/stackFacts";
import { CapturedResource } from "../../harness/model";

function summary(findings: Finding[]): string {
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}

export const hasRehearsalError = (findings: Finding[]): boolean =>
  findings.some((f) => f.severity === "error");

/** The text section: one block per finding, the resource that would fail named first. */
export function renderRehearsalText(
  findings: Finding[],
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
export function renderRehearsalMarkdown(findings: Finding[]): string {
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

export function renderChangesText(changes: ResourceChange[]): string {
  const lines = ["", "What `pulumi up` would do:"];
  for (const [op, list] of groups(changes)) {
    if (!list.length) continue;
    lines.push(`  ${OP_TITLE[op]} (${list.length})`);
    if (op !== "same") for (const c of list) lines.push(`    ${describeChange(c)}`);
  }
  return lines.join("\n");
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
export const jsonChange = (c: ResourceChange) => ({ urn: c.urn, op: c.op, fields: c.fields });

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
