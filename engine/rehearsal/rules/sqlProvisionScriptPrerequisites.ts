import { CapturedResource } from "../../model";
import { plain } from "../../deployment";
import { RehearsalRule } from "../model";

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const USER = "gcp:sql/user:User";
const DATABASE = "gcp:sql/database:Database";
const SCRIPT = "gcp:sql/provisionScript:ProvisionScript";

/** Cloud SQL's IAM database user name of a principal (service accounts drop `.gserviceaccount.com`). */
function iamUserName(principal: string): string | undefined {
  const [kind, email] = principal.split(":");
  if (!email || !["serviceAccount", "user", "group"].includes(kind)) return undefined;
  return email.replace(/\.gserviceaccount\.com$/, "");
}

type Settings = { dataApiAccess?: string; databaseFlags?: { name: string; value: string }[] };

/**
 * A `ProvisionScript` runs through the Cloud SQL Data API (`instances.executeSql`): the instance
 * must allow it (`settings.dataApiAccess: ALLOW_DATA_API`), and without a built-in user and password
 * it signs in as the caller's IAM identity (AutoIamAuthn: resource_sql_provision_script.go), so IAM
 * database authentication must be on and the deployer must already be an IAM user of the instance,
 * holding `cloudsqlsuperuser` to create extensions. The database it names must exist.
 */
export const sqlProvisionScriptPrerequisites: RehearsalRule = {
  id: "sql-provision-script-prerequisites",
  severity: "error",
  description:
    "A Cloud SQL provision script runs only on an instance that allows the Data API and IAM authentication, as a deployer who is already its IAM database user (with cloudsqlsuperuser to create extensions), in a database that exists.",
  sources: [
    "terraform-provider-google-beta google-beta/services/sql/resource_sql_provision_script.go",
    "https://cloud.google.com/sql/docs/postgres/executesql-instance",
    "https://cloud.google.com/sql/docs/postgres/pg-audit",
  ],
  check(ctx, report) {
    const byType = (type: string) => ctx.resources.filter((r) => r.type === type);
    const onInstance = (r: CapturedResource, s: CapturedResource) =>
      r.inputs.instance === s.inputs.instance && r.inputs.project === s.inputs.project;
    for (const script of byType(SCRIPT)) {
      const fail = (message: string) => report.error(this.id, script, message);
      const instance = byType(SQL).find(
        (i) => i.inputs.name === script.inputs.instance && i.inputs.project === script.inputs.project,
      );
      if (!instance) {
        report.asWritten.warning(
          this.id,
          script,
          `${script.name}: instance ${String(script.inputs.instance)} is not in this stack; the rehearsal cannot check its Data API access, IAM authentication or users.`,
        );
        continue;
      }
      const settings = ((plain(instance.inputs) as { settings?: Settings }).settings ?? {}) as Settings;
      if (settings.dataApiAccess !== "ALLOW_DATA_API")
        fail(
          `${instance.name} does not allow the Data API (settings.dataApiAccess is ${JSON.stringify(settings.dataApiAccess ?? null)}): executeSql is refused. Set it to ALLOW_DATA_API.`,
        );
      if (!ctx.order.precedes(instance.urn, script.urn))
        fail(`nothing orders it after ${instance.name}, the instance it runs on. Depend on it.`);
      const database = String(script.inputs.database ?? "");
      const databases = byType(DATABASE).filter((d) => onInstance(d, script) && d.inputs.name === database);
      if (database !== "postgres" && !databases.some((d) => ctx.order.precedes(d.urn, script.urn)))
        fail(
          `database ${JSON.stringify(database)} is ${databases.length ? "not ordered before it" : "created by nothing in this stack"}: the script fails to connect. Create it with gcp.sql.Database and depend on it.`,
        );
      if (script.inputs.user) continue; // a built-in user with its password secret
      const iamOn = settings.databaseFlags?.some(
        (f) => f.name === "cloudsql.iam_authentication" && f.value === "on",
      );
      if (!iamOn)
        fail(
          `it signs in as the deployer's IAM identity, but ${instance.name} has no cloudsql.iam_authentication=on flag. Turn IAM authentication on.`,
        );
      const deployer = ctx.stack.deployer;
      if (!deployer) {
        report.asWritten.warning(
          this.id,
          script,
          `${script.name}: the deployer is unknown (deployerPrincipal), so the rehearsal cannot check that it is an IAM user of ${instance.name}.`,
        );
        continue;
      }
      const name = iamUserName(deployer);
      const user = byType(USER).find((u) => onInstance(u, script) && u.inputs.name === name);
      if (!user || !ctx.order.precedes(user.urn, script.urn)) {
        fail(
          `it runs as ${deployer}, who is ${user ? "made an IAM user of the instance only after it" : "no IAM database user of the instance"}: the sign-in fails. Add a gcp.sql.User ${name} of type CLOUD_IAM_* and depend on it.`,
        );
        continue;
      }
      const roles = (user.inputs.databaseRoles as string[] | undefined) ?? [];
      if (/CREATE\s+EXTENSION/i.test(String(script.inputs.script)) && !roles.includes("cloudsqlsuperuser"))
        fail(
          `it creates an extension, which Cloud SQL allows only to cloudsqlsuperuser members, and ${user.name} has roles ${JSON.stringify(roles)}. Give the user databaseRoles ["cloudsqlsuperuser"].`,
        );
    }
  },
};
