import { createHash } from "crypto";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { APPLICATION_DATABASE } from "./lib/databaseAccess";
import { BASE_EGRESS, PSA_RESTRICTED } from "./kubernetesBaseline";
import { IAM_PROPAGATION_WAIT } from "./lib/propagation";

/** The namespace the migration runs in: no workload's, so no workload's pods can use its service account. */
export const MIGRATION_NAMESPACE = "database-migration";
export const MIGRATOR_KSA = "migrator";
/** Cloud SQL connectors reach the instance's server-side proxy on 3307. */
const CLOUD_SQL_PROXY_PORT = 3307;
/** Where the proxy listens inside the pod, and its health endpoint (`--health-check`). */
const LOCAL_PORT = 5432;
const HEALTH_PORT = 9090;

export interface MigrationJobArgs {
  /** The cluster the Job runs in (the primary region's cluster of the instance's project). */
  provider: k8s.Provider;
  /** Project of the instance and of the migrator's login grant. */
  project: pulumi.Input<string>;
  /** `project:region:instance` of the primary. */
  connectionName: pulumi.Input<string>;
  /** The idempotent script, ending with its drift check (databaseMigrationScript). */
  script: pulumi.Input<string>;
  /** The migrator's Google service account; its Kubernetes account is `database-migration/migrator`. */
  migrator: { email: pulumi.Input<string>; member: pulumi.Input<string> };
  /** Its IAM database user name (the e-mail without `.gserviceaccount.com`). */
  databaseUser: pulumi.Input<string>;
  /** The custom role with `cloudsql.instances.connect`, `.get` and `.login` (databaseLoginRole). */
  databaseLoginRole: pulumi.Input<string>;
  /**
   * Full image references, pinned by digest: the Cloud SQL Auth Proxy and a PostgreSQL client.
   * Absent until the image pipeline has mirrored them: the namespace and its account exist, but no
   * window opens and no Job runs.
   */
  images?: { proxy: pulumi.Input<string>; client: pulumi.Input<string> };
  /** The private-service-access range of the instance's network (its private IP is in it). */
  privateServiceAccess: string;
  /**
   * How long after the migration's start the migrator may log in: its login grant expires then,
   * so its cloudsqlsuperuser membership is usable only inside that window. @default 1
   */
  loginWindowHours?: number;
  /** What the Job waits for besides its own prerequisites: the database users, the migrator's Workload Identity binding. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** A stable short digest of what makes a run of the migration different from the last. */
export function migrationVersion(parts: string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 10);
}

/** The IAM condition that limits the migrator's login to its window (https://cloud.google.com/iam/docs/configuring-temporary-access). */
export function loginWindowCondition(expiry: string): {
  title: string;
  description: string;
  expression: string;
} {
  return {
    title: "migration-window",
    description: "The migrator may log in only while its migration runs.",
    expression: `request.time < timestamp("${expiry}")`,
  };
}

/**
 * The database migration of a cardholder-class cluster, run inside its cde cluster, not through the
 * Cloud SQL Data API (which the instances refuse: `DISALLOW_DATA_API`, NET-09): a Kubernetes Job in
 * a namespace of its own, as a migrator service account of its own (Workload Identity), through the
 * Cloud SQL Auth Proxy with automatic IAM database authentication over the private IP
 * (https://cloud.google.com/sql/docs/postgres/connect-kubernetes-engine), applying the script with
 * psql in one transaction. The migrator is the one cloudsqlsuperuser member of the instance (Cloud
 * SQL lets only that role create pgAudit's extension); its login grant carries an IAM condition
 * that expires `loginWindowHours` after the run starts (`time.Offset`, re-created when the
 * migration changes), so the membership cannot be used between migrations, by the Job's account or
 * anyone who runs a pod as it. A fresh grant is used only after it propagates (`time.Sleep`).
 *
 * The Job's name carries the migration's version, so a changed script or a failover (a new
 * connection name) replaces it and runs it again; `pulumi.com/replaceUnready` replaces a failed run
 * on the next `up`. Re-running an unchanged migration (the on-call drift check):
 * `pulumi up --replace <window urn>`, which opens a new window and replaces the Job.
 */
export class MigrationJob extends pulumi.ComponentResource {
  public readonly job?: k8s.batch.v1.Job;
  public readonly windowEnds?: pulumi.Output<string>;

  constructor(name: string, args: MigrationJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:database:MigrationJob", name, {}, opts);
    const k = { parent: this, provider: args.provider };
    const images = args.images;
    const version = pulumi
      .all([args.script, args.connectionName, images?.proxy ?? "", images?.client ?? ""])
      .apply((parts) => migrationVersion(parts));

    const { inNs, serviceAccount } = migrationNamespace(name, args, k);
    if (!images) {
      this.registerOutputs({});
      return;
    }
    const scriptMap = new k8s.core.v1.ConfigMap(
      `${name}-script`,
      {
        metadata: { name: pulumi.interpolate`migration-${version}`, namespace: MIGRATION_NAMESPACE },
        data: { "migration.sql": args.script },
        immutable: true,
      },
      inNs,
    );
    const { window, propagated } = loginWindow(name, args, version, [serviceAccount, scriptMap], this);
    this.windowEnds = window.rfc3339;
    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      migrationJobArgs({
        version,
        images,
        connectionName: args.connectionName,
        databaseUser: args.databaseUser,
        scriptMap: scriptMap.metadata.name,
      }),
      {
        ...k,
        dependsOn: [propagated, scriptMap, serviceAccount],
        customTimeouts: { create: "20m", update: "20m" },
      },
    );
    this.registerOutputs({ job: this.job, windowEnds: this.windowEnds });
  }
}

type KubernetesChild = { parent: pulumi.Resource; provider: k8s.Provider };

/**
 * The migration's namespace (restricted Pod Security, cardholder-class), its default-deny and
 * egress policies, and the migrator's Kubernetes account bound to its Google one.
 */
function migrationNamespace(
  name: string,
  args: Pick<MigrationJobArgs, "privateServiceAccess" | "migrator">,
  k: KubernetesChild,
): { inNs: KubernetesChild & { dependsOn: pulumi.Resource[] }; serviceAccount: k8s.core.v1.ServiceAccount } {
  const namespace = new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: MIGRATION_NAMESPACE,
        labels: {
          ...PSA_RESTRICTED,
          "qairopay.com/managed-by": "pulumi",
          // Cardholder-class: its Job holds cloudsqlsuperuser on the cardholder database (NET-09).
          "qairopay.com/data-class": "cardholder",
          "qairopay.com/role": "database-migration",
        },
      },
    },
    k,
  );
  const inNs = { ...k, dependsOn: [namespace] };
  new k8s.networking.v1.NetworkPolicy(
    `${name}-default-deny`,
    {
      metadata: { name: "default-deny-all", namespace: MIGRATION_NAMESPACE },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    inNs,
  );
  new k8s.networking.v1.NetworkPolicy(
    `${name}-egress`,
    {
      metadata: { name: "allow-migration-egress", namespace: MIGRATION_NAMESPACE },
      spec: migrationEgress(args.privateServiceAccess),
    },
    inNs,
  );
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    `${name}-ksa`,
    {
      metadata: {
        name: MIGRATOR_KSA,
        namespace: MIGRATION_NAMESPACE,
        annotations: { "iam.gke.io/gcp-service-account": args.migrator.email },
      },
      automountServiceAccountToken: false,
    },
    inNs,
  );
  return { inNs, serviceAccount };
}

/**
 * What every pod may reach (DNS, Workload Identity tokens, the Admin API the proxy asks for its
 * certificate), and the instance's private IP on the proxy port: nothing else.
 */
export function migrationEgress(
  privateServiceAccess: string,
): k8s.types.input.networking.v1.NetworkPolicySpec {
  return {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      ...BASE_EGRESS,
      {
        to: [{ ipBlock: { cidr: privateServiceAccess } }],
        ports: [{ protocol: "TCP", port: CLOUD_SQL_PROXY_PORT }],
      },
    ],
  };
}

/**
 * The migrator's login window: opened once the Job's prerequisites exist, its login grant
 * conditioned on it, and the grant's propagation waited for.
 */
function loginWindow(
  name: string,
  args: Pick<
    MigrationJobArgs,
    "project" | "databaseLoginRole" | "migrator" | "loginWindowHours" | "dependsOn"
  >,
  version: pulumi.Output<string>,
  prerequisites: pulumi.Resource[],
  parent: pulumi.Resource,
): { window: time.Offset; propagated: time.Sleep } {
  // The window opens when everything else the Job needs exists, and only a new migration (or
  // `--replace`) opens another: an Offset is computed once, on create.
  const window = new time.Offset(
    `${name}-window`,
    { offsetHours: args.loginWindowHours ?? 1, triggers: { version } },
    { parent, dependsOn: [...args.dependsOn, ...prerequisites] },
  );
  const login = new gcp.projects.IAMMember(
    `${name}-login`,
    {
      project: args.project,
      role: args.databaseLoginRole,
      member: args.migrator.member,
      condition: window.rfc3339.apply(loginWindowCondition),
    },
    { parent },
  );
  // https://cloud.google.com/iam/docs/access-change-propagation: a new grant takes effect in about
  // 2 and up to 7 minutes; the provider retries none of a login's failures, so the Job waits.
  const propagated = new time.Sleep(
    `${name}-login-propagated`,
    { createDuration: IAM_PROPAGATION_WAIT, triggers: { window: window.rfc3339 } },
    { parent, dependsOn: [login] },
  );
  return { window, propagated };
}

/**
 * The Job: the Cloud SQL Auth Proxy as a native sidecar, psql applying the script in one
 * transaction, both hardened and bounded; named for the migration's version.
 */
export function migrationJobArgs({
  version,
  images,
  connectionName,
  databaseUser,
  scriptMap,
}: {
  version: pulumi.Input<string>;
  images: NonNullable<MigrationJobArgs["images"]>;
  connectionName: pulumi.Input<string>;
  databaseUser: pulumi.Input<string>;
  /** The name of the ConfigMap holding migration.sql. */
  scriptMap: pulumi.Input<string>;
}): k8s.batch.v1.JobArgs {
  const hardened = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  };
  const conninfo = pulumi.interpolate`host=127.0.0.1 port=${LOCAL_PORT} dbname=${APPLICATION_DATABASE} user=${databaseUser} sslmode=disable connect_timeout=30`;
  return {
    metadata: {
      name: pulumi.interpolate`migration-${version}`,
      namespace: MIGRATION_NAMESPACE,
      annotations: { "pulumi.com/replaceUnready": "true" },
    },
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels: { app: "database-migration" } },
        spec: {
          serviceAccountName: MIGRATOR_KSA,
          automountServiceAccountToken: false,
          restartPolicy: "Never",
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          // A native sidecar (restartPolicy Always): started, and healthy, before psql; stopped when it ends.
          initContainers: [
            {
              name: "cloud-sql-proxy",
              image: images.proxy,
              restartPolicy: "Always",
              args: [
                "--auto-iam-authn",
                "--private-ip",
                "--structured-logs",
                `--port=${LOCAL_PORT}`,
                "--health-check",
                "--http-address=0.0.0.0",
                `--http-port=${HEALTH_PORT}`,
                "--exit-zero-on-sigterm",
                connectionName,
              ],
              startupProbe: {
                httpGet: { path: "/startup", port: HEALTH_PORT },
                periodSeconds: 1,
                failureThreshold: 60,
              },
              securityContext: hardened,
              resources: {
                requests: { cpu: "250m", memory: "256Mi" },
                limits: { cpu: "250m", memory: "256Mi" },
              },
            },
          ],
          containers: [
            {
              name: "migrate",
              image: images.client,
              command: ["psql"],
              args: [
                "--no-psqlrc",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                "--file=/migration/migration.sql",
                conninfo,
              ],
              securityContext: hardened,
              resources: {
                requests: { cpu: "250m", memory: "256Mi" },
                limits: { cpu: "250m", memory: "256Mi" },
              },
              volumeMounts: [{ name: "script", mountPath: "/migration", readOnly: true }],
            },
          ],
          volumes: [{ name: "script", configMap: { name: scriptMap } }],
        },
      },
    },
  };
}
