import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface CreationGuardrailsArgs {
  /** The folder the stack creates its projects in, as `folders/<id>`. */
  folder: string;
  /**
   * The name of the OrgGuardrails component that set these policies before they moved here: the
   * policies keep their names and alias their former parent, so a deployed stack keeps them (the
   * same Google policy is never created twice).
   */
  formerParent: string;
  /** The catalogue's built-in constraints (policies/org-constraints); those `atCreationOnly` are set here. */
  constraints: { constraint: string; atCreationOnly?: boolean }[];
}

/**
 * The built-in constraints that act only when a project is created (`atCreationOnly`:
 * iam.automaticIamGrantsForDefaultServiceAccounts, compute.skipDefaultNetworkCreation), set on the
 * folder before the stack creates its projects: set with the other guardrails, at the end, they
 * would come after the projects and their Compute Engine API, whose default service account would
 * already hold Editor ("the default Compute Engine service account ... may not automatically be
 * granted" roles only when the constraint is enforced:
 * https://cloud.google.com/kubernetes-engine/docs/how-to/creating-an-autopilot-cluster). Created
 * one after another, like every org policy (Google answers 409 to concurrent ones).
 */
export class CreationGuardrails extends pulumi.ComponentResource {
  public readonly policies: gcp.orgpolicy.Policy[] = [];

  constructor(name: string, args: CreationGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:orgpolicy:CreationGuardrails", name, {}, opts);
    const formerParent = pulumi.createUrn(args.formerParent, "qairopay:orgpolicy:OrgGuardrails");
    let previous: pulumi.Resource | undefined;
    for (const b of args.constraints.filter((c) => c.atCreationOnly)) {
      const resourceName = `${name}-${b.constraint}`;
      const policy: gcp.orgpolicy.Policy = new gcp.orgpolicy.Policy(
        resourceName,
        {
          parent: args.folder,
          name: `${args.folder}/policies/${b.constraint}`,
          spec: { rules: [{ enforce: "TRUE" }] },
        },
        {
          parent: this,
          dependsOn: previous ? [previous] : [],
          aliases: [{ parent: formerParent }],
        },
      );
      previous = policy;
      this.policies.push(policy);
    }
    this.registerOutputs({ policies: this.policies });
  }
}
