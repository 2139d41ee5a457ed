import { LOGGING_BUCKET } from "./lockedRetention";
import { GuardRule } from "./proposedUpdate";

export const inPlaceRejected: GuardRule = {
  id: "in-place-rejected",
  severity: "error",
  description: "An update the API rejects in place, such as removing a log bucket's customer-managed key.",
  sources: [
    'https://cloud.google.com/logging/docs/routing/managed-encryption-storage: "After a log bucket is created, you can\'t reconfigure the log bucket to change or remove CMEK"',
  ],
  check(update, report) {
    for (const c of update.changes) {
      const had = (c.oldInputs?.cmekSettings as { kmsKeyName?: string } | undefined)?.kmsKeyName;
      const has = (c.newInputs?.cmekSettings as { kmsKeyName?: string } | undefined)?.kmsKeyName;
      if (c.type === LOGGING_BUCKET && c.op === "update" && had && !has)
        report.error(
          "in-place-rejected",
          c,
          `would lose its customer-managed key: "After a log bucket is created, you can't reconfigure the log bucket to change or remove CMEK" (https://cloud.google.com/logging/docs/routing/managed-encryption-storage), so the update fails.`,
        );
    }
  },
};
