import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { KEY_USER_ROLE } from "../catalogue/keys";

/**
 * The custom role a workload signs in to Cloud SQL with (IAM-04): the three permissions of
 * https://cloud.google.com/sql/docs/postgres/iam-logins ("roles/cloudsql.instanceUser … contains the
 * … cloudsql.instances.login permission"; the Auth Proxy and connectors need
 * "cloudsql.instances.connect", and read the instance with cloudsql.instances.get). Not the
 * predefined roles: roles/cloudsql.instanceUser and roles/cloudsql.client carry more (Google lists
 * instanceUser among the roles that may run `executeSql`, the Data API's internet path).
 */
export const DATABASE_LOGIN_ROLE_ID = "qairopayDatabaseLogin";
export const DATABASE_LOGIN_PERMISSIONS = [
  "cloudsql.instances.connect",
  "cloudsql.instances.get",
  "cloudsql.instances.login",
] as const;

/** The project's database-login custom role; grant its `name` (`projects/<p>/roles/<id>`). */
export function databaseLoginRole(
  name: string,
  project: pulumi.Input<string>,
  opts?: pulumi.CustomResourceOptions,
): gcp.projects.IAMCustomRole {
  return new gcp.projects.IAMCustomRole(
    name,
    {
      project,
      roleId: DATABASE_LOGIN_ROLE_ID,
      title: "QairoPay database login",
      description:
        "Connect to and sign in to Cloud SQL instances with IAM database authentication; nothing else.",
      permissions: [...DATABASE_LOGIN_PERMISSIONS],
      stage: "GA",
    },
    opts,
  );
}

export interface WorkloadAccountArgs {
  /** Project the workload's data lives in; its Google service account is created there. */
  project: pulumi.Input<string>;
  /** Service account id (6-30 characters). */
  accountId: string;
  displayName: string;
  /**
   * The database-login custom role (databaseLoginRole) to hold on the project, unless the account
   * signs in only under a condition its owner grants itself (the migrator's window). */
  databaseLoginRole?: pulumi.Input<string>;
  /**
   * Key rings the workload may encrypt and decrypt with (the whole ring: every key, present and
   * future), by a stable label such as the region, which names the grant.
   */
  keyRings?: Record<string, pulumi.Input<string>>;
  /** Individual keys the workload may encrypt and decrypt with, by a stable label. */
  cryptoKeys?: Record<string, pulumi.Input<string>>;
  /**
   * The Kubernetes service account that may act as this account (Workload Identity): the same
   * `<pool>[namespace/name]` in every cluster of the fleet. Only it, and nothing else.
   */
  kubernetesServiceAccount?: {
    workloadPool: pulumi.Input<string>;
    namespace: string;
    name: string;
    /**
     * The clusters whose creation creates the pool: Google creates `PROJECT.svc.id.goog` with
     * the project's first Workload Identity cluster, and a grant to it fails before that
     * ("Error 400: Identity Pool does not exist").
     */
    poolCreatedBy: pulumi.Input<pulumi.Resource>[];
  };
}

/**
 * The Google service account of one workload, with only data-plane roles: Cloud SQL connect and
 * IAM login on its own project (the database-login custom role), and encrypt/decrypt on the keys it uses for envelope encryption.
 * It has no keys: workloads authenticate through Workload Identity (IAM-03).
 */
export class WorkloadAccount extends pulumi.ComponentResource {
  public readonly account: gcp.serviceaccount.Account;
  public readonly email: pulumi.Output<string>;
  public readonly member: pulumi.Output<string>;

  constructor(name: string, args: WorkloadAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:iam:WorkloadAccount", name, {}, opts);
    const child = { parent: this };
    const account = new gcp.serviceaccount.Account(
      `${name}-sa`,
      {
        project: args.project,
        accountId: args.accountId,
        displayName: args.displayName,
        description: "Workload identity of a QairoPay service; data-plane roles only.",
      },
      child,
    );
    if (args.databaseLoginRole !== undefined)
      new gcp.projects.IAMMember(
        `${name}-database-login`,
        { project: args.project, role: args.databaseLoginRole, member: account.member },
        child,
      );
    for (const [label, keyRingId] of Object.entries(args.keyRings ?? {})) {
      new gcp.kms.KeyRingIAMMember(
        `${name}-keyring-${label}`,
        { keyRingId, role: KEY_USER_ROLE, member: account.member },
        child,
      );
    }
    for (const [label, cryptoKeyId] of Object.entries(args.cryptoKeys ?? {})) {
      new gcp.kms.CryptoKeyIAMMember(
        `${name}-key-${label}`,
        { cryptoKeyId, role: KEY_USER_ROLE, member: account.member },
        child,
      );
    }
    if (args.kubernetesServiceAccount) {
      const ksa = args.kubernetesServiceAccount;
      new gcp.serviceaccount.IAMMember(
        `${name}-workload-identity`,
        {
          serviceAccountId: account.name,
          role: "roles/iam.workloadIdentityUser",
          member: pulumi.interpolate`serviceAccount:${ksa.workloadPool}[${ksa.namespace}/${ksa.name}]`,
        },
        { parent: this, dependsOn: ksa.poolCreatedBy },
      );
    }
    this.account = account;
    this.email = account.email;
    this.member = account.member;
    this.registerOutputs({ email: this.email, member: this.member });
  }
}
