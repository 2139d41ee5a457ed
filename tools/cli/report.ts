import { SECRET_SIG, SECRET_SIG_KEY } from "../../engine/deployment";
import { PolicyConfiguration, policyConfigurationLine } from "../../engine/policyConfig";
import { Violation } from "../../engine/policyEvaluator";
import { CapturedResource, isCloudResource } from "../../engine/model";
import { RehearsalFinding } from "../../engine/rehearsal/model";

const STACK_TYPE = "pulumi:pulumi:Stack";

export interface InventoryGroup {
  component: string;
  region: string;
  resources: CapturedResource[];
}

/** The top-level component (a direct child of the stack) a resource belongs to. */
function topComponent(r: CapturedResource, byUrn: Map<string, CapturedResource>): string {
  let node = r;
  let parent = node.parent ? byUrn.get(node.parent) : undefined;
  while (parent && parent.type !== STACK_TYPE) {
    node = parent;
    parent = node.parent ? byUrn.get(node.parent) : undefined;
  }
  return node === r ? "(stack)" : `${node.name} (${node.type})`;
}

function regionOf(r: CapturedResource): string {
  const value = r.inputs.region ?? r.inputs.location;
  return typeof value === "string" ? value : "global";
}

/** Custom resources grouped by top-level component and region, in registration order. */
export function inventory(resources: CapturedResource[]): InventoryGroup[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const groups = new Map<string, InventoryGroup>();
  for (const r of resources) {
    if (!isCloudResource(r)) continue;
    const component = topComponent(r, byUrn);
    const region = regionOf(r);
    const key = `${component}\u0000${region}`;
    if (!groups.has(key)) groups.set(key, { component, region, resources: [] });
    groups.get(key)?.resources.push(r);
  }
  const order = [...new Set([...groups.values()].map((g) => g.component))];
  return [...groups.values()].sort(
    (a, b) => order.indexOf(a.component) - order.indexOf(b.component) || a.region.localeCompare(b.region),
  );
}

export function countsByType(resources: CapturedResource[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of resources) {
    if (!isCloudResource(r)) continue;
    counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * What a resource count counts, said the same way by every report: the cloud resources `pulumi up`
 * creates (custom resources, providers aside), and all registrations (with the components, the
 * providers and the stack) — the two numbers that used to appear unlabelled side by side.
 */
export function resourceCount(resources: CapturedResource[]): string {
  return `${resources.filter(isCloudResource).length} cloud resources (${resources.length} registrations with components, providers and the stack)`;
}

/**
 * The verdict, first: pass or fail with the counts that decide it, then what was judged. The
 * details (inventory, violations, findings) follow; `--quiet` leaves out the inventory.
 */
export function renderVerdictText(
  subject: string,
  violations: Violation[],
  resources: CapturedResource[],
  findings?: RehearsalFinding[],
): string {
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const errors = findings?.filter((f) => f.severity === "error").length ?? 0;
  const rehearsal = findings
    ? `; rehearsal: ${errors} error${errors === 1 ? "" : "s"}, ${findings.length - errors} warning${findings.length - errors === 1 ? "" : "s"}`
    : "";
  const verdict = mandatory || errors ? "FAIL" : "PASS";
  return [
    `${verdict} ${subject}: ${summary(violations)}${rehearsal} (exit ${mandatory || errors ? 1 : 0})`,
    `  ${resourceCount(resources)}`,
  ].join("\n");
}

function summary(violations: Violation[]): string {
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = violations.filter((v) => v.enforcementLevel === "advisory").length;
  return `${mandatory} mandatory, ${advisory} advisory violation${violations.length === 1 ? "" : "s"}`;
}

export function renderInventoryText(stack: string, resources: CapturedResource[]): string {
  const lines = [`Offline plan of stack "${stack}": what \`pulumi up\` would create`, ""];
  for (const group of inventory(resources)) {
    lines.push(`${group.component}  [${group.region}]  (${group.resources.length})`);
    for (const r of group.resources)
      lines.push(`    ${r.type.padEnd(56)} ${r.name}${r.protect ? "  (protected)" : ""}`);
  }
  const counts = countsByType(resources);
  lines.push("", `Resources by type (${resourceCount(resources)}):`);
  for (const [type, count] of counts) lines.push(`  ${String(count).padStart(6)}  ${type}`);
  return lines.join("\n");
}

export function renderViolationsText(
  violations: Violation[],
  packs: string[],
  configuration?: PolicyConfiguration,
): string {
  const lines = ["", `Policy report (${packs.join(", ")}): ${summary(violations)}`];
  const configured = configuration && policyConfigurationLine(configuration);
  if (configured) lines.push(`  ${configured}`);
  for (const v of violations) {
    lines.push(`  ${v.enforcementLevel.toUpperCase().padEnd(9)} ${v.policyPack}/${v.policyName}`);
    lines.push(`            ${v.urn || "(stack)"}`);
    for (const line of v.message.split("\n")) lines.push(`            ${line}`);
  }
  if (violations.length === 0) lines.push("  No policy violations.");
  return lines.join("\n");
}

/** A pull-request comment: summary line, a table of violations, then the resource counts. */
export function renderMarkdown(
  title: string,
  violations: Violation[],
  packs: string[],
  resources?: CapturedResource[],
  configuration?: PolicyConfiguration,
): string {
  const mandatory = violations.some((v) => v.enforcementLevel === "mandatory");
  const lines = [
    `### ${mandatory ? "❌" : "✅"} ${title}`,
    "",
    `Policy packs: ${packs.map((p) => `\`${p}\``).join(", ")} — **${summary(violations)}**.`,
    "",
  ];
  const configured = configuration && policyConfigurationLine(configuration);
  // In the comment a reviewer reads: a policy switched off finds nothing, which looks like a pass.
  if (configured)
    lines.push(
      `> ⚠️ ${configured.replace(/^Policy configuration (\S+):/, "Policy configuration `$1`:")}.`,
      "",
    );
  if (violations.length) {
    lines.push("| Level | Policy | Resource | Message |", "|---|---|---|---|");
    for (const v of violations) {
      const message = v.message.split("\n").slice(1).join(" ") || v.message;
      lines.push(
        `| ${v.enforcementLevel} | \`${v.policyName}\` | \`${v.urn.split("::").pop() || "stack"}\` | ${escapeCell(message)} |`,
      );
    }
    lines.push("");
  }
  if (resources) {
    const counts = countsByType(resources);
    lines.push(
      `<details><summary>${counts.reduce((n, [, c]) => n + c, 0)} resources</summary>`,
      "",
      "| Type | Count |",
      "|---|---|",
    );
    for (const [type, count] of counts) lines.push(`| \`${type}\` | ${count} |`);
    lines.push("", "</details>");
  }
  return lines.join("\n");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The `resources` entries of `plan --json`: the public contract of that output. */
export function jsonResource(r: CapturedResource) {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent ?? null,
    custom: r.custom,
    inputs: redactSecrets(r.inputs),
    protect: r.protect,
    dependencies: r.dependencies,
    provider: r.provider ?? null,
  };
}

/** Secret values never reach a terminal or a CI log: they print as "[secret]". */
export function redactSecrets(value: unknown): unknown {
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG_KEY] === SECRET_SIG) return "[secret]";
    if (Array.isArray(value)) return value.map(redactSecrets);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}
