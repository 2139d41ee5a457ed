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
    `  ${plan.shards.length} shard stacks: ` +
      plan.shards.map((s) => `${s.stack} ${s.tenants} tenants / ${s.keys} keys`).join("; "),
  ];
  lines.push(
    plan.withinBudget
      ? `Within budget: ${minutes(plan.projectedMinutes)} of ${plan.budgetMinutes} min.`
      : `Over budget: ${minutes(plan.projectedMinutes)} > ${plan.budgetMinutes} min; ` +
          `raise the KMS write quota to at least ${plan.quotaForBudgetPerMinute}/min per region (KmsWriteQuota).`,
  );
  return lines.join("\n");
}

/** Per shard stack: its keys, and how many of them failed or were missing in this rotation. */
export function outcomeByShard(
  outcome: RotationOutcome,
  shardOfTenant: Map<string, string>,
  shards: { stack: string; keys: number }[],
): { stack: string; keys: number; rotated: number; failed: number; missing: number }[] {
  const tenantOf = (key: string) => /\/cryptoKeys\/kek-(.+)$/.exec(key)?.[1] ?? "";
  const count = (keys: string[]) => {
    const by = new Map<string, number>();
    for (const key of keys) {
      const stack = shardOfTenant.get(tenantOf(key)) ?? "(no shard)";
      by.set(stack, (by.get(stack) ?? 0) + 1);
    }
    return by;
  };
  const failed = count(outcome.regions.flatMap((r) => r.failed.map((f) => f.key)));
  const missing = count(outcome.regions.flatMap((r) => r.missing));
  return shards.map((s) => {
    const f = failed.get(s.stack) ?? 0;
    const m = missing.get(s.stack) ?? 0;
    return { stack: s.stack, keys: s.keys, rotated: s.keys - f - m, failed: f, missing: m };
  });
}

export function renderOutcome(
  outcome: RotationOutcome,
  byShard: ReturnType<typeof outcomeByShard> = [],
): string {
  const lines = [`Rotation ${outcome.rotationId} (since ${outcome.startedAt})`];
  for (const r of outcome.regions) {
    lines.push(
      `  ${r.region}: ${r.keys} keys, ${r.rotatedNow} rotated now, ${r.alreadyRotated} already rotated, ` +
        `${r.failed.length} failed, ${r.missing.length} missing`,
    );
    for (const f of r.failed) lines.push(`    failed ${f.key}: ${f.error}`);
    for (const m of r.missing) lines.push(`    missing ${m} (in the tenant registry, not in KMS)`);
  }
  for (const s of byShard)
    lines.push(`  ${s.stack}: ${s.rotated}/${s.keys} keys rotated, ${s.failed} failed, ${s.missing} missing`);
  lines.push(`  ${outcome.writes} writes, ${outcome.throttled} throttled`);
  lines.push(
    outcome.complete
      ? "Complete: every tenant KEK has a new primary version."
      : "INCOMPLETE: re-run with --resume.",
  );
  return lines.join("\n");
}
