import { runRules } from "../rule";
import { ResourceChange } from "./diff";
import { LOGGING_BUCKET, lockedBucket, lockedRetention } from "./lockedRetention";

const BUCKET = "gcp:storage/bucket:Bucket";
const BACKUP_PLAN = "gcp:gkebackup/backupPlan:BackupPlan";

const change = (
  type: string,
  op: ResourceChange["op"],
  oldInputs: Record<string, unknown>,
  newInputs: Record<string, unknown> | undefined,
  fields: string[] = [],
): ResourceChange => ({
  urn: `urn:pulumi:prod::qairopay::${type}::audit`,
  type,
  op,
  fields,
  replaceFields: op === "replace" ? fields : [],
  oldInputs,
  newInputs,
});
const judge = (c: ResourceChange) =>
  runRules([lockedBucket, lockedRetention], { changes: [c], dependedOn: new Set() });

describe("locked-bucket", () => {
  const locked = { locked: true, retentionDays: 400 };

  test("a locked log bucket whose description changes passes", () => {
    expect(
      judge(change(LOGGING_BUCKET, "update", locked, { ...locked, description: "x" }, ["description"])),
    ).toEqual([]);
  });

  test("its retention shortened: refused, quoting Cloud Logging", () => {
    const [finding] = judge(
      change(LOGGING_BUCKET, "update", locked, { ...locked, retentionDays: 30 }, ["retentionDays"]),
    );
    expect(finding.rule).toBe("locked-bucket");
    expect(finding.message).toContain("retentionDays would change");
    expect(finding.message).toContain("The retention period on a locked bucket cannot be changed");
  });

  test("deleted: refused", () => {
    expect(judge(change(LOGGING_BUCKET, "delete", locked, undefined)).map((f) => f.message)).toEqual([
      expect.stringContaining("it would be deleted"),
    ]);
  });

  test("an unlocked bucket may change its retention", () => {
    const open = { locked: false, retentionDays: 400 };
    expect(
      judge(change(LOGGING_BUCKET, "update", open, { ...open, retentionDays: 30 }, ["retentionDays"])),
    ).toEqual([]);
  });
});

describe("locked-retention", () => {
  const lockedBucketInputs = { retentionPolicy: { isLocked: true, retentionPeriod: "31536000" } };

  test("a locked Bucket Lock that grows passes", () => {
    const longer = { retentionPolicy: { isLocked: true, retentionPeriod: "63072000" } };
    expect(judge(change(BUCKET, "update", lockedBucketInputs, longer))).toEqual([]);
  });

  test("shortened: the problem names the field, and Google's refusal", () => {
    const shorter = { retentionPolicy: { isLocked: true, retentionPeriod: "86400" } };
    const [finding] = judge(change(BUCKET, "update", lockedBucketInputs, shorter));
    expect(finding.rule).toBe("locked-retention");
    expect(finding.message).toContain("retentionPeriod would shrink, which Google refuses");
  });

  test("unlocked: the lock would be removed", () => {
    const [finding] = judge(
      change(BUCKET, "update", lockedBucketInputs, { retentionPolicy: { retentionPeriod: "31536000" } }),
    );
    expect(finding.message).toContain("the lock would be removed");
  });

  test("Backup for GKE: any change of a locked value is refused, even a longer one", () => {
    const plan = (days: number) => ({ retentionPolicy: { locked: true, backupRetainDays: days } });
    const [finding] = judge(change(BACKUP_PLAN, "update", plan(30), plan(60)));
    expect(finding.message).toContain("backupRetainDays would change");
  });

  test("locked in the same update that changes its values: refused, the fix is two `up`s", () => {
    const [finding] = judge(
      change(BUCKET, "update", { retentionPolicy: { retentionPeriod: "86400" } }, lockedBucketInputs),
    );
    expect(finding.message).toContain("locked in the same update that changes retentionPeriod");
    expect(finding.message).toContain("one `up` to set it, the next to lock it");
  });

  test("a locked bucket replaced: refused", () => {
    expect(judge(change(BUCKET, "replace", lockedBucketInputs, lockedBucketInputs, ["location"]))).toEqual([
      expect.objectContaining({
        rule: "locked-retention",
        message: expect.stringContaining("would be replaced"),
      }),
    ]);
  });
});
