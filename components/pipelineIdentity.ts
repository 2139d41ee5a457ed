import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** Where a role is granted. */
export type GrantScope =
  | { kind: "project"; id: string }
  | { kind: "folder"; id: string }
  | { kind: "organization"; id: string }
  | { kind: "accessPolicy"; id: string }
  | { kind: "billingAccount"; id: string };

export interface Grant {
  scope: GrantScope;
  role: string;
}

export interface PipelineIdentityArgs {
  /** The project holding the service account (the CI project). */
  project: string;
  /** Service account id, 6-30 characters. */
  accountId: string;
  displayName: string;
  description: string;
  /** Federated principal sets that may impersonate it (roles/iam.workloadIdentityUser); never a whole pool. */
  federatedPrincipals: string[];
  /** Every role it holds, and where: nothing else grants it anything. */
  grants: Grant[];
}

/** A resource name fragment for a scope and role: `folder-538201947712-cloudsql-admin`. */
const slug = (g: Grant) =>
  `${g.scope.kind}-${g.scope.id.replace(/^.*\//, "")}-${g.role.replace(/^roles\//, "").replace(/\./g, "-")}`;

/**
 * A CI service account (IAM-08): no key, impersonable only by the federated principal sets it
 * names, holding exactly the grants it is given. Members are built from the account id, not read
 * from the account's outputs, so every grant is known at preview and the policy pack judges it
 * before anything exists.
 */
export class PipelineIdentity extends pulumi.ComponentResource {
  public readonly account: gcp.serviceaccount.Account;
  /** `NAME@PROJECT.iam.gserviceaccount.com`. */
  public readonly email: string;
  /** `serviceAccount:` + email, as IAM members and the platform's deployerPrincipal name it. */
  public readonly member: string;

  constructor(name: string, args: PipelineIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:ci:PipelineIdentity", name, {}, opts);
    this.email = `${args.accountId}@${args.project}.iam.gserviceaccount.com`;
    this.member = `serviceAccount:${this.email}`;
    this.account = new gcp.serviceaccount.Account(
      `${name}-account`,
      {
        project: args.project,
        accountId: args.accountId,
        displayName: args.displayName,
        description: args.description,
      },
      { parent: this },
    );
    const after = { parent: this, dependsOn: [this.account] };
    args.federatedPrincipals.forEach(
      (principal, i) =>
        new gcp.serviceaccount.IAMMember(
          `${name}-federated-${i}`,
          {
            serviceAccountId: this.account.name,
            role: "roles/iam.workloadIdentityUser",
            member: principal,
          },
          after,
        ),
    );
    for (const grant of args.grants) {
      const id = `${name}-${slug(grant)}`;
      const common = { role: grant.role, member: this.member };
      switch (grant.scope.kind) {
        case "project":
          new gcp.projects.IAMMember(id, { ...common, project: grant.scope.id }, after);
          break;
        case "folder":
          new gcp.folder.IAMMember(id, { ...common, folder: `folders/${grant.scope.id}` }, after);
          break;
        case "organization":
          new gcp.organizations.IAMMember(id, { ...common, orgId: grant.scope.id }, after);
          break;
        case "accessPolicy":
          new gcp.accesscontextmanager.AccessPolicyIamMember(
            id,
            // The policy's id alone: "Resource name of the AccessPolicy. Format: '{{policy_id}}'"
            // (magic-modules mmv1/products/accesscontextmanager/AccessPolicy.yaml).
            { ...common, name: grant.scope.id },
            after,
          );
          break;
        case "billingAccount":
          new gcp.billing.AccountIamMember(id, { ...common, billingAccountId: grant.scope.id }, after);
          break;
      }
    }
    this.registerOutputs({ account: this.account });
  }
}
