import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";

/**
 * How long a fresh IAM grant is waited for before its first use. "Change a policy … Typically 2
 * minutes, potentially 7 minutes or longer" (https://cloud.google.com/iam/docs/access-change-propagation);
 * the provider retries only network errors, 429/500/502/503 and 409 "operation in progress"
 * (transport/error_retry_predicates.go defaultErrorRetryPredicates, isCommonRetryableErrorCode),
 * so a 403 or 400 from a grant not yet in effect fails the create. The one source of the wait: every
 * grant's wait is made by grantPropagation or takes this value, and the rehearsal rule that asks
 * for it reads it (engine/rehearsal/facts/propagation.ts).
 */
export const IAM_PROPAGATION_SECONDS = 420;
export const IAM_PROPAGATION_WAIT = `${IAM_PROPAGATION_SECONDS}s`;

/**
 * One wait after a batch of grants (not one per grant). `time.Sleep` waits only when it is created
 * (pulumiverse/time: "Updating this value by itself will not trigger a delay"), so later `up`s do
 * not wait; its triggers are the batch's grant names, so a grant added later re-creates it and the
 * resources that depend on it wait for that grant too.
 */
export function grantPropagation(
  name: string,
  grants: pulumi.Resource[],
  grantNames: string[],
  opts: { parent: pulumi.Resource },
): time.Sleep {
  return new time.Sleep(
    name,
    { createDuration: IAM_PROPAGATION_WAIT, triggers: { grants: [...grantNames].sort().join(",") } },
    { ...opts, dependsOn: grants },
  );
}
