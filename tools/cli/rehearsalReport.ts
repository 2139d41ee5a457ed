import { Finding } from "../../harness/rehearsal/rehearse";

function summary(findings: Finding[]): string {
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}

export const hasRehearsalError = (findings: Finding[]): boolean =>
  findings.some((f) => f.severity === "error");

/** The text section: one block per finding, the resource that would fail named first. */
export function renderRehearsalText(findings: Finding[]): string {
  const lines = ["", `Apply rehearsal (what a first \`pulumi up\` would meet): ${summary(findings)}`];
  for (const f of findings) {
    lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.rule}`);
    lines.push(`           ${f.urn}`);
    lines.push(`           ${f.message}`);
  }
  if (!findings.length) lines.push("  No findings: every resource's prerequisites exist before it starts.");
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
