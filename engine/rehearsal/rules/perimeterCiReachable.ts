import { plain } from "../../deployment";
import { label, RehearsalRule } from "../model";

const PERIMETER = "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter";
const ACCESS_LEVEL = "gcp:accesscontextmanager/accessLevel:AccessLevel";

interface Ingress {
  ingressFrom?: { identities?: string[]; identityType?: string; sources?: { accessLevel?: string }[] };
  ingressTo?: { resources?: string[]; operations?: { serviceName?: string }[] };
}
interface PerimeterConfig {
  accessLevels?: string[];
  ingressPolicies?: Ingress[];
}
interface LevelInputs {
  name?: string;
  basic?: { conditions?: { ipSubnetworks?: string[] }[] };
}

/** What an identity the enforced perimeter shuts out can no longer do. */
function consequence(role: string): string {
  if (role === "operator")
    return "its members can no longer request, approve or use privileged access, restore backups or read the audit trail (VPC Service Controls)";
  return `the next \`pulumi ${role === "deployer" ? "up" : "preview"}\` is refused (VPC Service Controls), and the perimeter that would let it back in is the one refusing it`;
}

/** Whether an ingress rule's identities include this IAM member. */
function names(ingress: Ingress, member: string): boolean {
  const from = ingress.ingressFrom ?? {};
  if (from.identityType === "ANY_IDENTITY") return true;
  if (from.identityType === "ANY_SERVICE_ACCOUNT" && member.startsWith("serviceAccount:")) return true;
  return (from.identities ?? []).includes(member);
}

/**
 * An enforced perimeter refuses every call from outside that no access level or ingress rule
 * admits, the deployer's included: its next `pulumi up` fails with a VPC Service Controls
 * violation, and the perimeter that would have to change to let it back in is the one refusing it.
 * So the identities that deploy and preview the stack must each have a way in: the perimeter's own
 * access levels (any caller from their networks), or an ingress rule naming the identity from a
 * source access level of the plan, to every service.
 */
export const perimeterCiReachable: RehearsalRule = {
  id: "perimeter-ci-reachable",
  severity: "error",
  description:
    "Once a VPC Service Controls perimeter is enforced, the deployer (and the CI preview identity, where configured) still reaches it: through an access level of the perimeter with named networks, or an ingress rule that names the identity, takes it from an access level of the plan and opens every service to it.",
  sources: [
    "https://cloud.google.com/vpc-service-controls/docs/ingress-egress-rules",
    "https://cloud.google.com/vpc-service-controls/docs/use-access-levels",
    "magic-modules mmv1/products/accesscontextmanager/ServicePerimeter.yaml (sources.accessLevel: Referencing a nonexistent AccessLevel will cause an error)",
  ],
  check(ctx, report) {
    const levels = new Map(
      ctx.resources
        .filter((r) => r.type === ACCESS_LEVEL)
        .map((r) => {
          const level = plain(r.inputs) as LevelInputs;
          const networked = (level.basic?.conditions ?? []).some((c) => (c.ipSubnetworks ?? []).length > 0);
          return [String(level.name), networked] as const;
        }),
    );
    const networkedLevel = (name?: string) => name !== undefined && levels.get(name) === true;
    const identities: [string, string | undefined][] = [
      ["deployer", ctx.stack.deployer],
      ["CI preview identity", ctx.stack.previewer],
      ...ctx.stack.operators.map((m): [string, string] => ["operator", m]),
    ];
    for (const perimeter of ctx.resources.filter((r) => r.type === PERIMETER)) {
      const status = (plain(perimeter.inputs) as { status?: PerimeterConfig }).status;
      if (!status) continue;
      if (!ctx.stack.deployer) {
        report.asWritten.warning(
          this.id,
          perimeter,
          `${label(perimeter)} is enforced and the deploying principal is unknown (deployerPrincipal, or --deployer): whether it can still deploy through the perimeter cannot be checked`,
        );
        continue;
      }
      const byLevel = (status.accessLevels ?? []).some(networkedLevel);
      for (const [role, member] of identities) {
        if (!member || byLevel) continue;
        const admitted = (status.ingressPolicies ?? []).some(
          (ingress) =>
            names(ingress, member) &&
            (ingress.ingressFrom?.sources ?? []).some(
              (s) => s.accessLevel === "*" || networkedLevel(s.accessLevel),
            ) &&
            (ingress.ingressTo?.operations ?? []).some((o) => o.serviceName === "*") &&
            (ingress.ingressTo?.resources ?? []).includes("*"),
        );
        if (!admitted)
          report.error(
            this.id,
            perimeter,
            `is enforced and the ${role} ${member} reaches it by no access level of the perimeter and no ingress rule that names it from an access level of the plan to every service: ${consequence(role)}. Admit it from the operators' access level (components/servicePerimeter.ts).`,
          );
      }
    }
  },
};
