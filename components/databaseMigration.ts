import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** The database each cluster's applications use, and where the platform's migration runs. */
export const APPLICATION_DATABASE = "qairopay";

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
      return { name: email.replace(/\.gserviceaccount\.com$/, ""), type: "CLOUD_IAM_SERVICE_ACCOUNT" };
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

export interface DatabaseMigrationArgs {
  project: pulumi.Input<string>;
  /** The primary instance's name; the database and the user replicate to its replica. */
  instance: pulumi.Input<string>;
  /** The IAM principal running `pulumi up` (`serviceAccount:…`), who runs the script. */
  deployer: string;
  /** Idempotent SQL; a change to it runs it again. */
  script: string;
  description: string;
  /** Resources the script waits for besides the user and the database (the instance). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Database-side code that the platform applies as part of `pulumi up` (TEN-02's pgAudit extension
 * and marker function): the application database, the deployer as an IAM database user holding
 * `cloudsqlsuperuser` (which `CREATE EXTENSION pgaudit` needs), and `gcp.sql.ProvisionScript`,
 * which runs the script through the Cloud SQL Data API (`instances.executeSql`, as the caller's IAM
 * identity). Why the Data API: the instances have only private IPs, so a deployer outside their
 * VPC cannot connect, and a Job in a cluster would need an image and credentials of its own; the
 * Data API reaches private instances through the Admin API, inside the perimeter, with IAM
 * (https://cloud.google.com/sql/docs/postgres/executesql-instance). It needs the instance's
 * `dataApiAccess: ALLOW_DATA_API` and IAM authentication on (PostgresCluster sets both).
 *
 * After a failover the primary is the other instance: the script's `instance` is replace-forcing,
 * so it runs again there (it is idempotent); the database and the user replicated with the data, so
 * their `instance` is ignored and they are abandoned, never deleted, by Pulumi.
 */
export class DatabaseMigration extends pulumi.ComponentResource {
  public readonly script: gcp.sql.ProvisionScript;

  constructor(name: string, args: DatabaseMigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:database:DatabaseMigration", name, {}, opts);
    const replicated = { parent: this, ignoreChanges: ["instance"], dependsOn: args.dependsOn };
    const database = new gcp.sql.Database(
      `${name}-database`,
      {
        project: args.project,
        instance: args.instance,
        name: APPLICATION_DATABASE,
        deletionPolicy: "ABANDON",
      },
      replicated,
    );
    const deployer = new gcp.sql.User(
      `${name}-deployer`,
      {
        project: args.project,
        instance: args.instance,
        ...iamDatabaseUser(args.deployer),
        databaseRoles: ["cloudsqlsuperuser"],
        deletionPolicy: "ABANDON",
      },
      replicated,
    );
    this.script = new gcp.sql.ProvisionScript(
      `${name}-script`,
      {
        project: args.project,
        instance: args.instance,
        database: database.name,
        script: args.script,
        description: args.description,
      },
      { parent: this, dependsOn: [deployer, database, ...(args.dependsOn ?? [])] },
    );
    this.registerOutputs({ script: this.script });
  }
}
