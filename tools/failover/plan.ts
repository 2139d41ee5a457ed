import { STATEFUL_TYPES } from "../../engine/preview/guard";
import { ResourceChange } from "../../engine/preview/diff";
import { previewAgainst } from "../../engine/preview/preview";
import { RehearsalFinding } from "../../engine/rehearsal/model";
import { runOffline } from "../../engine/run";
import { StackConfig } from "../../engine/stackFile";
import { PROJECT_NAME } from "../../platform/config/keys";
import { Region } from "../../vocabulary/regions";
import { PlatformConfig } from "../../platform/config/types";

export const PRIMARY_REGION_KEY = `${PROJECT_NAME}:primaryRegion`;

/** A Cloud SQL cluster that changes roles: its DR replica in the target region becomes the primary. */
export interface Switchover {
  cluster: string;
  project: string;
  /** The DR replica that is promoted. */
  replica: string;
  /** The primary that becomes its replica. */
  primary: string;
}

export interface FailoverPlan {
  stack: string;
  /** An ephemeral stack's project ids carry a generation suffix: read from its outputs, never assumed. */
  ephemeral?: boolean;
  from: Region;
  to: Region;
  /** Preconditions, each with the fact it rests on. */
  checks: { check: string; passed: boolean; detail: string }[];
  config: { key: string; from: string; to: string };
  switchovers: Switchover[];
  changes: ResourceChange[];
  findings: RehearsalFinding[];
  steps: string[];
}

/** Bad input for a failover (exit 2): an unknown or current region. */
export class FailoverInputError extends Error {}

const CLUSTERS = [
  { cluster: "ledger", role: "platform" },
  { cluster: "card-vault", role: "cde" },
] as const;

/**
 * The failover planned offline: the configuration change, the Cloud SQL switchovers it implies,
 * and the preview of that change against the current plan, judged by the same guard that judges
 * the engine's preview when it is carried out.
 */
export async function planFailover(
  stackConfig: StackConfig,
  config: PlatformConfig,
  to: Region,
): Promise<FailoverPlan> {
  const from = config.primaryRegion;
  if (!config.regions.includes(to))
    throw new FailoverInputError(
      `--to ${to}: not a serving region of stack ${config.stack} (${config.regions.join(", ")})`,
    );
  if (to === from)
    throw new FailoverInputError(`--to ${to}: already the primary region of stack ${config.stack}`);
  const current = await runOffline(stackConfig);
  const flipped = await runOffline({
    ...stackConfig,
    values: { ...stackConfig.values, [PRIMARY_REGION_KEY]: to },
  });
  const { changes, findings } = previewAgainst(current.resources, flipped.resources);
  const env = config.environment;
  const switchovers = CLUSTERS.map(({ cluster, role }) => ({
    cluster,
    project: config.projects[role],
    replica: `${env}-${cluster}-${to}`,
    primary: `${env}-${cluster}-${from}`,
  }));
  // Deleting anything, or replacing what holds data, is not a failover. Replacing a stateless
  // resource is allowed: the database migration's script runs again on the new primary.
  const stateful = changes.filter(
    (c) => c.op === "delete" || (c.op === "replace" && c.type in STATEFUL_TYPES),
  );
  // Said by name, so the check never reads "nothing" above a list of replacements.
  const statelessReplacements = changes.filter((c) => c.op === "replace" && !(c.type in STATEFUL_TYPES));
  const checks = [
    {
      check: "DR replicas designated",
      passed: config.sql.designateDrReplica,
      detail: config.sql.designateDrReplica
        ? "sqlDesignateDrReplica is true: each primary names its DR replica, so a switchover keeps the cluster"
        : "sqlDesignateDrReplica is false: a switchover would break the cluster (deploy with true first)",
    },
    {
      check: "no replacement or deletion",
      passed: stateful.length === 0 && findings.every((f) => f.severity !== "error"),
      detail: stateful.length
        ? `${stateful.length} resource(s) would be replaced or deleted`
        : statelessReplacements.length
          ? `no stateful resource is replaced or deleted; replaced, holding no data (re-created as the program describes them): ${statelessReplacements.map((c) => c.urn.split("::").pop()).join(", ")}`
          : "the preview replaces and deletes nothing",
    },
  ];
  const steps = [
    `preflight: each DR replica (${switchovers.map((s) => s.replica).join(", ")}) lags by at most ${config.alerting.drReplicaLagSeconds} s; nothing has changed yet`,
    ...switchovers.map(
      (s) =>
        `Cloud SQL switchover: ${s.replica} becomes the primary of ${s.cluster}, ${s.primary} its DR replica`,
    ),
    `set ${PRIMARY_REGION_KEY} from ${from} to ${to} (stacks/Pulumi.${config.stack}.yaml: commit it afterwards)`,
    "pulumi preview --refresh with the policy packs, judged by the guard: any replacement or deletion of a stateful resource stops the run before up",
    "pulumi up --refresh with the policy packs",
    `verify: Cloud SQL reports ${switchovers.map((s) => s.replica).join(" and ")} as primaries, and the stack's outputs agree`,
  ];

  return {
    stack: config.stack,
    ephemeral: config.ephemeral,
    from,
    to,
    checks,
    config: { key: PRIMARY_REGION_KEY, from, to },
    switchovers,
    changes,
    findings,
    steps,
  };
}
