import { RotationOutcome } from "./rotateTenantKeys";
import { RotationPlan } from "./rotationPlan";

const minutes = (m: number): string => `${m.toFixed(1)} min`;

/** The plan as text; its last line is the verdict against the budget. */
export function renderPlan(plan: RotationPlan): string {
  const lines = [
    `Emergency rotation of the tenant KEKs of stack ${plan.stack} (project ${plan.project})`,
    `  write quota ${plan.writeQuotaPerMinute}/min per region, used at ${Math.round(plan.utilisation * 100)} %`,
    ...plan.regions.map(
      (r) =>
        `  ${r.region}: ${r.expectedKeys.length} keys, ${r.writes} writes at ` +
        `${Math.floor(r.pacedWritesPerMinute)}/min → ${minutes(r.projectedMinutes)}`,
    ),
  ];
  lines.push(
    plan.withinBudget
      ? `Within budget: ${minutes(plan.projectedMinutes)} of ${plan.budgetMinutes} min.`
      : `Over budget: ${minutes(plan.projectedMinutes)} > ${plan.budgetMinutes} min; ` +
          `raise the KMS write quota to at least ${plan.quotaForBudgetPerMinute}/min per region (KmsWriteQuota).`,
  );
  return lines.join("\n");
}

export function renderOutcome(outcome: RotationOutcome): string {
  const lines = [`Rotation ${outcome.rotationId} (since ${outcome.startedAt})`];
  for (const r of outcome.regions) {
    lines.push(
      `  ${r.region}: ${r.keys} keys, ${r.rotatedNow} rotated now, ${r.alreadyRotated} already rotated, ` +
        `${r.failed.length} failed, ${r.missing.length} missing`,
    );
    for (const f of r.failed) lines.push(`    failed ${f.key}: ${f.error}`);
    for (const m of r.missing) lines.push(`    missing ${m} (in the tenant registry, not in KMS)`);
  }
  lines.push(`  ${outcome.writes} writes, ${outcome.throttled} throttled`);
  lines.push(
    outcome.complete
      ? "Complete: every tenant KEK has a new primary version."
      : "INCOMPLETE: re-run with --resume.",
  );
  return lines.join("\n");
}
