import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type {
  BuiltInConstraintSpec,
  ConstraintValues,
  ListRule,
} from "../catalogue/orgConstraints/builtInConstraints";
import type { CustomConstraintSpec } from "../catalogue/orgConstraints/customConstraints";

export interface OrgGuardrailsArgs {
  /** The organisation that holds the custom constraints (Google defines them only there). */
  organizationId: string;
  /** Prefix of the constraints' names (`custom.qp<Environment>…`): each stack owns its own copies. */
  environment: string;
  /**
   * An ephemeral environment's generation, appended to the constraints' names: a rebuild cannot
   * take a deleted constraint's name again.
   * @default none
   */
  generation?: pulumi.Input<string>;
  /**
   * Where the policies are set, each a resource name: `folders/<id>` for the folder of the
   * projects the stack creates, or `projects/<number>` for each adopted project.
   */
  scopes: { key: string; name: pulumi.Input<string>; kind: "folder" | "project" }[];
  /**
   * Enforce the custom and managed constraints; otherwise they run in dry-run. Legacy built-in
   * constraints have no dry-run and are always enforced.
   * @default false
   */
  enforced?: boolean;
  /** The stack's values the list and managed constraints name (its KMS project, regions, identities, peers). */
  values: Omit<ConstraintValues, "kmsProject"> & { kmsProject: pulumi.Input<string> };
  /** The catalogue's constraints (policies/org-constraints), passed by the composition. */
  catalogue: {
    custom: CustomConstraintSpec[];
    builtIn: BuiltInConstraintSpec[];
    /** A custom constraint's name in the organisation, from the environment, its id and the generation. */
    customConstraintName: (environment: string, id: string, generation: string) => string;
  };
}

type Spec = pulumi.Input<gcp.types.input.orgpolicy.PolicySpec>;

function listRule(rule: ListRule): gcp.types.input.orgpolicy.PolicySpecRule {
  if ("denyAll" in rule) return { denyAll: "TRUE" };
  return { values: rule };
}

/**
 * The Organization Policy side of GOV-03: the catalogue's custom constraints, defined in the
 * organisation under this stack's names, and a policy per constraint on each scope the stack owns.
 * Dry-run (`dryRunSpec`) where Google supports it until `enforced`; then `spec`. Every constraint
 * and policy is created one after another: Google answers 409 to concurrent custom constraints or
 * policies (terraform-provider-google issues 21297, 29271), and a policy naming a custom constraint
 * that does not exist yet is NOT_FOUND. See docs/org-policy.md.
 */
export class OrgGuardrails extends pulumi.ComponentResource {
  public readonly policies: gcp.orgpolicy.Policy[] = [];

  constructor(name: string, args: OrgGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:orgpolicy:OrgGuardrails", name, {}, opts);
    const enforced = args.enforced ?? false;
    let previous: pulumi.Resource | undefined;
    const after = (): pulumi.CustomResourceOptions => ({
      parent: this,
      dependsOn: previous ? [previous] : [],
    });

    const defined: {
      key: string;
      constraint: pulumi.Output<string>;
      spec: Spec;
      dryRun: boolean;
      atCreationOnly?: boolean;
    }[] = [];
    for (const c of args.catalogue.custom) {
      const constraint: gcp.orgpolicy.CustomConstraint = new gcp.orgpolicy.CustomConstraint(
        `${name}-${c.id}`,
        {
          parent: `organizations/${args.organizationId}`,
          name: pulumi
            .output(args.generation ?? "")
            .apply((g) => args.catalogue.customConstraintName(args.environment, c.id, g)),
          displayName: c.displayName,
          description: c.description,
          resourceTypes: [c.resourceType],
          methodTypes: c.methodTypes,
          actionType: c.actionType,
          condition: c.condition,
        },
        after(),
      );
      previous = constraint;
      // The policy names the constraint through its output: it waits for the constraint to exist.
      defined.push({
        key: c.id,
        constraint: constraint.name,
        spec: { rules: [{ enforce: "TRUE" }] },
        dryRun: true,
      });
    }
    const values = pulumi
      .output(args.values.kmsProject)
      .apply((kmsProject): ConstraintValues => ({ ...args.values, kmsProject }));
    for (const b of args.catalogue.builtIn) {
      const rule = b.rule;
      const parameters = b.parameters;
      defined.push({
        key: b.constraint,
        constraint: pulumi.output(b.constraint),
        spec: rule
          ? values.apply((v) => {
              const r = rule(v);
              // A deny list adds to what the organisation denies above; it never replaces it
              // (without inheritFromParent a project's list policy is the new root).
              return { rules: [listRule(r)], ...("deniedValues" in r ? { inheritFromParent: true } : {}) };
            })
          : parameters
            ? values.apply((v) => ({
                rules: [{ enforce: "TRUE", parameters: JSON.stringify(parameters(v)) }],
              }))
            : { rules: [{ enforce: "TRUE" }] },
        dryRun: b.dryRun,
        atCreationOnly: b.atCreationOnly,
      });
    }

    for (const scope of args.scopes) {
      for (const d of defined) {
        // Creation-time constraints: only where projects are created, and set before them (CreationGuardrails).
        if (d.atCreationOnly) continue;
        const inDryRun = d.dryRun && !enforced;
        const policy: gcp.orgpolicy.Policy = new gcp.orgpolicy.Policy(
          `${name}-${scope.key}-${d.key}`,
          {
            parent: scope.name,
            name: pulumi.interpolate`${scope.name}/policies/${d.constraint}`,
            ...(inDryRun ? { dryRunSpec: d.spec } : { spec: d.spec }),
          },
          after(),
        );
        previous = policy;
        this.policies.push(policy);
      }
    }
    this.registerOutputs({ policies: this.policies });
  }
}
