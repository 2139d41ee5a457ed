import * as gcp from "@pulumi/gcp";
import { resourcePolicy } from "../lib/define";

/**
 * The Cloud SQL user types that sign in through IAM (IAM-05): a person, a service account or a
 * group, each with a short-lived token instead of a password. The provider's `type` "determines the
 * method to authenticate the user during login. The default is the database's built-in user type"
 * (magic-modules mmv1/third_party/terraform/services/sql/resource_sql_user.go, `type`: Optional,
 * ForceNew, DiffSuppressFunc EmptyOrDefaultStringSuppress("BUILT_IN")), one of "BUILT_IN",
 * "CLOUD_IAM_USER", "CLOUD_IAM_SERVICE_ACCOUNT", "CLOUD_IAM_GROUP", "CLOUD_IAM_GROUP_USER" and
 * "CLOUD_IAM_GROUP_SERVICE_ACCOUNT" (website/docs/r/sql_user.html.markdown). A user without a type
 * is a password user: flag cloudsql.iam_authentication on does not stop its password sign-in.
 */
export const IAM_USER_TYPES = [
  "CLOUD_IAM_USER",
  "CLOUD_IAM_SERVICE_ACCOUNT",
  "CLOUD_IAM_GROUP",
  "CLOUD_IAM_GROUP_USER",
  "CLOUD_IAM_GROUP_SERVICE_ACCOUNT",
];

export const sqlUserIamAuthenticated = resourcePolicy<gcp.sql.UserArgs>(
  {
    name: "sql-user-iam-authenticated",
    description:
      "Every Cloud SQL user the stack declares signs in with IAM (a Cloud IAM user, service account or group), never with a password (BUILT_IN, the provider's default).",
    controls: ["IAM-05"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Declare database users as IAM principals (components/databaseMigration.ts iamDatabaseUser: CLOUD_IAM_SERVICE_ACCOUNT named `<account>@<project>.iam`, CLOUD_IAM_USER, CLOUD_IAM_GROUP); people sign in through the data-access entitlement's roles/cloudsql.instanceUser.",
  },
  gcp.sql.User,
  (user) => {
    const type = typeof user.type === "string" ? user.type : undefined;
    return type && IAM_USER_TYPES.includes(type)
      ? []
      : [
          {
            problem: `user ${String(user.name)} of instance ${String(user.instance)} is ${type ? `type ${type}` : "of no type (BUILT_IN by default)"}: a password user, whoever holds the password signs in, whatever IAM grants or revokes`,
            fix: `set type to one of ${IAM_USER_TYPES.join(", ")} and remove its password`,
          },
        ];
  },
);
