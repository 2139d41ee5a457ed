import { RehearsalFinding, runRules } from "../rule";
import { attestationBeforeSigning } from "./attestationBeforeSigning";
import { ResourceChange } from "./diff";
import { inPlaceRejected } from "./inPlaceRejected";
import { kubernetesProviderReplaced } from "./kubernetesProviders";
import { lockedBucket, lockedRetention } from "./lockedRetention";
import { nameReuse } from "./nameReuse";
import { GuardRule, ProposedUpdate } from "./proposedUpdate";
import { statefulDelete, statefulReplace } from "./statefulChanges";

export { STATEFUL_TYPES } from "./statefulChanges";
export { UNREUSABLE_NAMES } from "./nameReuse";
export { LOCKED_RETENTION } from "./lockedRetention";
export { KUBERNETES_PROVIDER } from "./kubernetesProviders";

/**
 * What must never reach `pulumi up`: replacing or deleting a stateful resource, changing a locked
 * log bucket or retention, an update the API rejects in place, taking a name Google does not give
 * back, replacing a Kubernetes provider, and requiring attestations nothing running can have yet.
 * In the order docs/rehearsal.md lists them.
 */
export const GUARD: readonly GuardRule[] = [
  statefulReplace,
  statefulDelete,
  lockedBucket,
  lockedRetention,
  inPlaceRejected,
  attestationBeforeSigning,
  nameReuse,
  kubernetesProviderReplaced,
];

export type GuardContext = Omit<ProposedUpdate, "changes">;

/**
 * The guard's findings on one update: one pure function for the offline preview (`rehearse
 * --against`, `--flip`) and for the engine events of a real preview (`failover --execute`).
 */
export function guardChanges(changes: ResourceChange[], context: GuardContext): RehearsalFinding[] {
  return runRules(GUARD, { changes, ...context });
}
