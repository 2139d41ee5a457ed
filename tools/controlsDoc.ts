import type { Policy } from "@pulumi/policy";
import { CONTROLS, OUT_OF_SCOPE } from "../catalogue/controls";
import { CI_IDENTITY_PACK, PACKS, TENANT_KEY_PACK } from "../policies/packs";
import { CASES } from "../specs/cases/policyCases";
import { BUILT_IN_CONSTRAINTS } from "../catalogue/orgConstraints/builtInConstraints";
import { CUSTOM_CONSTRAINTS } from "../catalogue/orgConstraints/customConstraints";
import { NO_CONSTRAINT } from "../catalogue/orgConstraints/gaps";
import { PCI_BY_CONTROL, PCI_LEFT_TO_OTHERS, PCI_REQUIREMENTS, pciNumber } from "../catalogue/pciDss";
import { WEAKENINGS, WeakeningKind } from "../catalogue/weakenings";
import { PUBLIC_RULES } from "../catalogue/publicRuleSets";

export interface PolicyRef {
  pack: string;
  dir: string;
  policy: Policy;
}

/** Every policy with its pack, in pack order; the tenant-key and CI identities packs' own policies last (they reuse the others'). */
export function allPolicies(): PolicyRef[] {
  const platform = PACKS.flatMap((pack) =>
    pack.policies.map((policy) => ({ pack: pack.name, dir: pack.dir, policy })),
  );
  const known = new Set(platform.map((p) => p.policy));
  const others = [TENANT_KEY_PACK, CI_IDENTITY_PACK].flatMap((pack) =>
    pack.policies
      .filter((policy) => !known.has(policy))
      .map((policy) => ({ pack: pack.name, dir: pack.dir, policy })),
  );
  return [...platform, ...others];
}

export function policiesOf(controlId: string): PolicyRef[] {
  return allPolicies().filter((p) => (p.policy.tags ?? []).includes(controlId));
}

/** Failing cases (specs/cases/policyCases.ts) whose policy enforces the control. */
export function casesOf(controlId: string) {
  const names = new Set(policiesOf(controlId).map((p) => p.policy.name));
  return CASES.filter((c) => names.has(c.policy));
}

const KINDS: WeakeningKind[] = [
  "removed",
  "switched off",
  "widened",
  "reversed",
  "excluded",
  "bypassed",
  "outranked",
];

/** The weakenings of catalogue/weakenings.ts its policies reject, by kind (issue #26). */
function rejectsLine(controlId: string): string[] {
  const names = new Set(policiesOf(controlId).map((p) => p.policy.name));
  const mine = WEAKENINGS.filter((w) => names.has(w.policy));
  if (!mine.length) return [];
  const parts = KINDS.filter((k) => mine.some((w) => w.kind === k)).map(
    (k) =>
      `${k}: ${mine
        .filter((w) => w.kind === k)
        .map((w) => `${w.title} (\`${w.policy}\`)`)
        .join("; ")}`,
  );
  return [`- Rejects: ${parts.join(" — ")}`];
}

/** The public rule-set checks (catalogue/publicRuleSets.ts) its policies cover, each with its proof. */
function publicRulesLine(controlId: string): string[] {
  const names = new Set(policiesOf(controlId).map((p) => p.policy.name));
  const mine = PUBLIC_RULES.filter((r) => names.has(r.policy));
  if (!mine.length) return [];
  const cited = mine.map((r) => `\`${r.id}\` “${r.name}” (\`${r.policy}\`: ${r.proof})`);
  return [`- Public rule sets (Checkov): ${cited.join("; ")}`];
}

/** The run-time twins of a control (GOV-03): custom and built-in constraints, with their proofs. */
function constraintLines(controlId: string): string[] {
  const custom = CUSTOM_CONSTRAINTS.filter((c) => c.controls.includes(controlId));
  const builtIn = BUILT_IN_CONSTRAINTS.filter((b) => b.controls.includes(controlId));
  if (!custom.length && !builtIn.length)
    return [`- Org constraint: none — ${NO_CONSTRAINT[controlId] ?? "(no reason recorded)"}`];
  const parts = [
    ...custom.map(
      (c) =>
        `\`custom.qp<Env>${c.id}\` (custom, ${c.resourceType}; denies ${c.denies.map((t) => `“${t}”`).join(", ")} offline, as its twin \`${c.twin}\` does)`,
    ),
    ...builtIn.map(
      (b) => `\`${b.constraint}\` (built-in${b.dryRun ? ", dry-run first" : ""}; twin \`${b.twin}\`)`,
    ),
  ];
  const gap = NO_CONSTRAINT[controlId];
  return [`- Org constraints: ${parts.join("; ")}${gap ? `. Not at run time: ${gap}` : ""}`];
}

const pciList = (refs: string[]) =>
  refs.map((r) => (r.endsWith("~") ? `${pciNumber(r)} (in part)` : r)).join(", ");

/** The view by PCI DSS requirement: each number, its text, and the controls supporting it. */
function pciView(): string[] {
  const byRequirement = new Map<string, string[]>();
  for (const [control, refs] of Object.entries(PCI_BY_CONTROL))
    for (const ref of refs) {
      const n = pciNumber(ref);
      byRequirement.set(n, [
        ...(byRequirement.get(n) ?? []),
        ref.endsWith("~") ? `${control} (in part)` : control,
      ]);
    }
  // Numeric collation: 3.5.1 before 3.5.1.3 before 3.10; Appendix A after the numbered requirements.
  const sorted = [...byRequirement.keys()].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const lines = [
    "## By PCI DSS v4.0.1 requirement",
    "",
    "What this platform covers, requirement by requirement (texts paraphrased from PCI DSS v4.0.1 as",
    'ComplianceAsCode\'s `controls/pcidss_4.yml` transcribes it; see `catalogue/pciDss.ts`). "In part"',
    "means the requirement needs more than the control: the rest is the application's or the organisation's.",
    "",
    "| Requirement | Text (paraphrased) | Controls |",
    "|---|---|---|",
  ];
  for (const n of sorted)
    lines.push(`| ${n} | ${PCI_REQUIREMENTS[n] ?? "—"} | ${byRequirement.get(n)?.join(", ")} |`);
  lines.push(
    "",
    "### Left to the application or the organisation",
    "",
    "| Requirements | Owner | Why |",
    "|---|---|---|",
  );
  for (const l of PCI_LEFT_TO_OTHERS) lines.push(`| ${l.requirements} | ${l.owner} | ${l.reason} |`);
  lines.push("");
  return lines;
}

/** docs/controls.md, generated from the catalogue, the policies' metadata and the test cases. */
export function renderControlsDoc(): string {
  const lines = [
    "# Controls",
    "",
    "<!-- Generated by `npm run gen:controls` from catalogue/controls.ts, the policy packs, catalogue/weakenings.ts and specs/cases/policyCases.ts. Do not edit. -->",
    "",
    "Every control of the catalogue (`shared/controls.md`), and the project's own additions (marked Origin): the code that implements it, the policies that",
    "enforce it (M = mandatory, A = advisory) and the tests that prove each policy catches a violation",
    "(cases in `specs/cases/policyCases.ts`, run by `test/policies.test.ts` against the `prod` plan). T controls",
    "are proven by the tests and tools named. Each control also names its run-time twin in Google's Organization",
    "Policy Service (GOV-03, `catalogue/orgConstraints/`; custom constraints are evaluated offline by `plan` and",
    "`policy --state` as pack `org-constraints`, and `test/orgConstraints.test.ts` shows each denies its twin's",
    'failing cases), or why it has none, and the PCI DSS v4.0.1 requirements it supports. "Rejects" lists, by kind, the',
    "weakenings of `catalogue/weakenings.ts` (a resource still there that does less) its policies reject, each proven by a case.",
    "",
  ];
  for (const control of CONTROLS) {
    lines.push(`## ${control.id}`, "", `**${control.kind}** — ${control.text}`, "");
    if (control.projectAddition)
      lines.push(
        `- Origin: the project's own addition, not in the catalogue of \`shared/controls.md\` — ${control.projectAddition}`,
      );
    lines.push(`- Implemented by: ${control.implementedBy.map((f) => `\`${f}\``).join(", ") || "—"}`);
    lines.push(...constraintLines(control.id));
    lines.push(`- PCI DSS v4.0.1: ${pciList(PCI_BY_CONTROL[control.id] ?? []) || "—"}`);
    if (control.kind === "T") {
      const proofs = control.provenBy ?? [];
      lines.push(`- Proven by: ${proofs.length ? proofs.map((f) => `\`${f}\``).join(", ") : "—"}`);
    } else {
      const policies = policiesOf(control.id);
      lines.push(
        `- Enforced by: ${policies.map((p) => `\`${p.pack}/${p.policy.name}\` (${p.policy.enforcementLevel}, \`policies/${p.dir}/${p.policy.name}.ts\`)`).join("; ") || "—"}`,
      );
      lines.push(...rejectsLine(control.id));
      lines.push(...publicRulesLine(control.id));
      const cases = casesOf(control.id);
      lines.push(`- Proven by: ${cases.map((c) => `${c.policy} catches ${c.title}`).join("; ") || "—"}`);
    }
    lines.push("");
  }
  lines.push(...pciView());
  lines.push(
    "## Out of scope",
    "",
    "Promises of the security pages that infrastructure cannot keep:",
    "",
    "| Promise | Why |",
    "|---|---|",
  );
  for (const o of OUT_OF_SCOPE) lines.push(`| ${o.promise} | ${o.reason} |`);
  return lines.join("\n") + "\n";
}
