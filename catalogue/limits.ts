/**
 * The numbers the catalogue's controls fix (shared/controls.md): the program builds to them and the
 * packs enforce them, so a value changes in one place and both follow. A room of its own that the
 * program, the packs and the harness import; it imports nothing.
 */
export const CONTROL_LIMITS = {
  /**
   * IAM-07: the longest a just-in-time grant may last. PAM takes it as "the time in seconds and
   * concatenate it with 's'" (magic-modules mmv1/products/privilegedaccessmanager/Entitlement.yaml,
   * maxRequestDuration).
   */
  privilegedGrantMaxSeconds: 2 * 3600,
  /**
   * RES-10: the shortest retention an immutable backup keeps, enforced by Google so that nobody, the
   * deployer included, can shorten it: the export buckets' retention policy and Backup for GKE's
   * delete lock. A month covers the monthly close and the time an intrusion goes unnoticed.
   */
  immutableBackupMinDays: 30,
} as const;

/** `7200` → `"7200s"`, the duration format of Google's JSON APIs. */
export const seconds = (n: number): string => `${n}s`;
