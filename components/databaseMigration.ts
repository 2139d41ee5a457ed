import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
  APPLICATION_DATABASE,
  databaseMigrationScript,
  serviceAccountDatabaseUser,
  workloadSchema,
} from "./lib/databaseAccess";
import { MigrationJob, MigrationJobArgs } from "./migrationJob";

export { APPLICATION_DATABASE } from "./lib/databaseAccess";

/**
 * How a deployer principal signs in to Cloud SQL for PostgreSQL through IAM
 * (https://cloud.google.com/sql/docs/postgres/add-manage-iam-users): a service account by its
 * e-mail without `.gserviceaccount.com`, a user or a group by its e-mail.
 */
export function iamDatabaseUser(principal: string): { name: string; type: string } {
  const [kind, email] = principal.split(":");
  if (!email) throw new Error(`deployer ${principal} is not kind:email`);
  switch (kind) {
    case "serviceAccount":
      return { name: serviceAccountDatabaseUser(email), type: "CLOUD_IAM_SERVICE_ACCOUNT" };
    case "user":
      return { name: email, type: "CLOUD_IAM_USER" };
    case "group":
      return { name: email, type: "CLOUD_IAM_GROUP" };
    default:
      throw new Error(
        `deployer ${principal}: Cloud SQL IAM users are serviceAccount:, user: or group: principals`,
      );
  }
}

/** A workload that signs in to the cluster's application database. */
export interface MigrationWorkload {
  /** The workload's name (its schema is derived from it). */
  name: string;
  /** Its Google service account's e-mail; Cloud SQL's IAM user drops `.gserviceaccount.com`. */
  email: pulumi.Input<string>;
  /** The account, which must exist before Cloud SQL can add it as a user. */
  account: pulumi.Resource;
}

/**
 * Where the script runs. `data-api`: `gcp.sql.ProvisionScript` (the Cloud SQL Data API's
 * `executeSql`, as the deployer, a cloudsqlsuperuser member); the instances allow the Data API.
 * `cluster-job`: a Kubernetes Job in the cluster (MigrationJob), as a migrator of its own; the
 * instances refuse the Data API and the deployer keeps no role on them.
 */
export type MigrationRunner =
  | { kind: "data-api" }
  | {
      kind: "cluster-job";
      migrator: MigrationWorkload & { member: pulumi.Input<string> };
      job: Omit<MigrationJobArgs, "project" | "script" | "migrator" | "databaseUser" | "dependsOn">;
    };

export interface DatabaseMigrationArgs {
  project: pulumi.Input<string>;
  /** The primary instance's name; the database and the users replicate to its replica. */
  instance: pulumi.Input<string>;
  /** The IAM principal running `pulumi up` (`serviceAccount:…`). */
  deployer: string;
  /** The workloads that sign in to the application database. */
  workloads: MigrationWorkload[];
  runner: MigrationRunner;
  description: string;
  /** Resources the migration waits for besides its own (the instance and its replica). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The database side of one cluster, applied by `pulumi up`: the application database, an IAM
 * database user per workload (`CLOUD_IAM_SERVICE_ACCOUNT`, no database role), and the migration
 * (databaseMigrationScript: TEN-02's pgAudit extension and marker function, each workload's access,
 * then the drift check, which fails the run on any difference). Users and the database are created
 * on the primary; they are PostgreSQL catalog rows, carried to the DR replica by replication (the
 * provider has no replica case: resource_sql_user.go inserts on the named instance), so after a
 * failover their `instance` is ignored and they are abandoned, never deleted, by Pulumi. The
 * script's `instance` (or the Job's connection name) follows the primary, so it runs again there.
 */
export class DatabaseMigration extends pulumi.ComponentResource {
  /** The ProvisionScript (`data-api`) or the MigrationJob (`cluster-job`). */
  public readonly runner: gcp.sql.ProvisionScript | MigrationJob;
  public readonly workloadUsers: gcp.sql.User[];

  constructor(name: string, args: DatabaseMigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:database:DatabaseMigration", name, {}, opts);
    const replicated = { parent: this, ignoreChanges: ["instance"], dependsOn: args.dependsOn };
    const onInstance = { project: args.project, instance: args.instance, deletionPolicy: "ABANDON" };
    const database = new gcp.sql.Database(
      `${name}-database`,
      { ...onInstance, name: APPLICATION_DATABASE },
      replicated,
    );
    const viaDataApi = args.runner.kind === "data-api";
    // Through the Data API the deployer runs the script, as a cloudsqlsuperuser member. Otherwise it
    // holds no role: a user it had from before keeps its name and loses the role on this update
    // (users.update with revokeExistingRoles: resource_sql_user.go).
    const deployer = new gcp.sql.User(
      `${name}-deployer`,
      {
        ...onInstance,
        ...iamDatabaseUser(args.deployer),
        databaseRoles: viaDataApi ? ["cloudsqlsuperuser"] : [],
      },
      replicated,
    );
    const iamUser = (userName: string, w: MigrationWorkload, roles: string[]) =>
      new gcp.sql.User(
        userName,
        {
          ...onInstance,
          name: pulumi.output(w.email).apply(serviceAccountDatabaseUser),
          type: "CLOUD_IAM_SERVICE_ACCOUNT",
          ...(roles.length ? { databaseRoles: roles } : {}),
        },
        { ...replicated, dependsOn: [...(args.dependsOn ?? []), w.account] },
      );
    this.workloadUsers = args.workloads.map((w) => iamUser(`${name}-${w.name}-user`, w, []));
    const script = pulumi
      .all(args.workloads.map((w) => pulumi.output(w.email).apply(serviceAccountDatabaseUser)))
      .apply((roles) =>
        databaseMigrationScript(
          {
            workloads: roles.map((role, i) => ({ role, schema: workloadSchema(args.workloads[i].name) })),
            withoutSuperuser: viaDataApi ? [] : [iamDatabaseUser(args.deployer).name],
          },
          viaDataApi ? "data-api" : "psql",
        ),
      );
    const prerequisites = [database, deployer, ...this.workloadUsers, ...(args.dependsOn ?? [])];
    if (args.runner.kind === "data-api") {
      this.runner = new gcp.sql.ProvisionScript(
        `${name}-script`,
        {
          project: args.project,
          instance: args.instance,
          database: database.name,
          script,
          description: args.description,
        },
        { parent: this, dependsOn: prerequisites },
      );
    } else {
      const { migrator, job } = args.runner;
      // The one cloudsqlsuperuser member (Cloud SQL lets only it create pgAudit's extension); its
      // login is granted only inside the migration's window (MigrationJob).
      const migratorUser = iamUser(`${name}-migrator-user`, migrator, ["cloudsqlsuperuser"]);
      this.runner = new MigrationJob(
        `${name}-job`,
        {
          ...job,
          project: args.project,
          script,
          migrator,
          databaseUser: pulumi.output(migrator.email).apply(serviceAccountDatabaseUser),
          dependsOn: [...prerequisites, migratorUser],
        },
        { parent: this },
      );
    }
    this.registerOutputs({ workloadUsers: this.workloadUsers });
  }
}
