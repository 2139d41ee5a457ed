import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { clusterOf, ofKind } from "./k8s";

type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[]; nonResourceURLs?: string[] };
type Subject = { kind?: string; name?: string; namespace?: string };
type RoleRef = { kind?: string; name?: string };

// Kubernetes' user-facing default roles (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles):
// cluster-admin "allows super-user access to perform any action on any resource"; admin and edit
// read Secrets and run as any ServiceAccount of the namespace. view excludes Secrets: the one
// built-in role a binding may name without the stack declaring it.
const BUILT_IN_POWERFUL: Record<string, string> = {
  "cluster-admin": "every verb on every resource",
  admin: "read and write of every namespaced resource, Secrets and RBAC included",
  edit: "read and write of workloads and Secrets, and running as any of the namespace's service accounts",
};
const READ_ONLY_BUILT_IN = ["view"];
// CIS GKE Benchmark 4.1.7 "Limit use of the Bind, Impersonate and Escalate permissions": "escalate
// allows creation or update of roles with permissions beyond the caller's current access, while
// bind allows creation or update of role bindings that reference roles with permissions beyond
// the caller's current access"; impersonate acts as any user, group or service account.
const ESCALATING_VERBS = ["escalate", "bind", "impersonate"];
// Reading Secrets hands out every credential of the namespace; these subresources run commands in,
// attach to or tunnel into a running pod (cardholder data in memory) or its node.
const SENSITIVE_RESOURCES = [
  "secrets",
  "pods/exec",
  "pods/attach",
  "pods/portforward",
  "pods/ephemeralcontainers",
  "nodes/proxy",
];
// Who no binding may name: everyone, anonymous or authenticated, and the group that bypasses RBAC.
const PUBLIC_SUBJECTS = [
  "system:anonymous",
  "system:unauthenticated",
  "system:authenticated",
  "system:masters",
];

/** Why a role's rules are too strong to bind or to exist, or undefined. */
function tooStrong(rules: Rule[] | undefined): string | undefined {
  for (const rule of rules ?? []) {
    const verbs = rule.verbs ?? [];
    const resources = rule.resources ?? [];
    if (verbs.includes("*")) return `every verb (*) on ${resources.join(", ") || "non-resource URLs"}`;
    if (resources.includes("*")) return `${verbs.join(", ")} on every resource (*)`;
    const escalating = verbs.filter((v) => ESCALATING_VERBS.includes(v));
    if (escalating.length > 0) return `${escalating.join(", ")}: a way around RBAC to any permission`;
    const sensitive = resources.filter((r) => SENSITIVE_RESOURCES.includes(r));
    if (sensitive.length > 0) return `${verbs.join(", ")} on ${sensitive.join(", ")}`;
  }
  return undefined;
}

/** One RBAC object as applied: its resource (URN, cluster), its kind and its own fields. */
type RbacObject = { r: PolicyResource; kind: string; props: Record<string, unknown> };

/**
 * Every object of a kind, however it is written: the object, a server-side-apply Patch of it
 * (which changes a live object's rules or subjects) or a List of them (`items`).
 */
function objectsOf(resources: PolicyResource[], kind: string): RbacObject[] {
  return [
    ...[...ofKind(resources, kind), ...ofKind(resources, `${kind}Patch`)].map((r) => ({
      r,
      kind,
      props: r.props,
    })),
    ...ofKind(resources, `${kind}List`).flatMap((r) =>
      ((r.props.items as Record<string, unknown>[] | undefined) ?? []).map((props) => ({ r, kind, props })),
    ),
  ];
}
const metaOf = (o: RbacObject) => (o.props.metadata ?? {}) as { name?: string; namespace?: string };
const nameOf = (s: Subject) => `${String(s.kind)} ${s.namespace ? `${s.namespace}/` : ""}${String(s.name)}`;

export const k8sRbacLeastPrivilege = stackPolicy(
  {
    name: "k8s-rbac-least-privilege",
    description:
      "No Kubernetes RBAC binding grants cluster-admin, admin, edit, a role the stack does not declare, or a role with wildcard, escalate, bind, impersonate, Secrets or exec access; no role holds escalate, bind or impersonate; nothing is bound to the public or system:masters groups.",
    controls: ["IAM-07"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Delete the binding or role: people reach the clusters through IAM, with container roles granted just in time by a Privileged Access Manager entitlement, and workloads need no Kubernetes API rights.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const roles = [...objectsOf(resources, "ClusterRole"), ...objectsOf(resources, "Role")];
    for (const role of roles) {
      const escalating = ((role.props.rules as Rule[] | undefined) ?? []).flatMap((x) =>
        (x.verbs ?? []).filter((v) => ESCALATING_VERBS.includes(v) || v === "*"),
      );
      if (escalating.length > 0)
        findings.push({
          urn: role.r.urn,
          problem: `${role.kind} ${String(metaOf(role).name)} holds ${[...new Set(escalating)].join(", ")}: whoever it is bound to can grant themselves any permission, or act as anyone`,
          fix: "remove the verb; RBAC is not changed from inside the cluster",
        });
    }

    for (const b of [...objectsOf(resources, "ClusterRoleBinding"), ...objectsOf(resources, "RoleBinding")]) {
      const ref = (b.props.roleRef ?? {}) as RoleRef;
      const subjects = (b.props.subjects as Subject[] | undefined) ?? [];
      const scope =
        b.kind === "ClusterRoleBinding"
          ? "cluster-wide"
          : `in namespace ${String(metaOf(b).namespace ?? "default")}`;
      // A Patch may leave roleRef out (it is immutable): it then adds subjects to the live binding's role.
      const role = ref.name ? `${String(ref.kind)} ${ref.name}` : "the role of the live binding it patches";
      const grants = `${b.kind} ${String(metaOf(b).name)} grants ${role}`;
      const to = subjects.map(nameOf).join(", ") || "nobody";
      const declared = roles.find(
        (r) =>
          clusterOf(r.r) === clusterOf(b.r) &&
          r.kind === ref.kind &&
          metaOf(r).name === ref.name &&
          (ref.kind === "ClusterRole" || metaOf(r).namespace === metaOf(b).namespace),
      );
      const why = declared
        ? tooStrong(declared.props.rules as Rule[] | undefined)
        : ref.kind === "ClusterRole" && BUILT_IN_POWERFUL[String(ref.name)]
          ? BUILT_IN_POWERFUL[String(ref.name)]
          : ref.kind === "ClusterRole" && READ_ONLY_BUILT_IN.includes(String(ref.name))
            ? undefined
            : "a role the stack does not declare, so what it grants cannot be judged";
      if (why)
        findings.push({
          urn: b.r.urn,
          problem: `${grants} (${why}) to ${to} ${scope}`,
          fix: "delete the binding: people get cluster access just in time through a Privileged Access Manager entitlement of a container role, never standing RBAC",
        });
      const open = subjects.filter((s) => PUBLIC_SUBJECTS.includes(String(s.name)));
      if (open.length > 0)
        findings.push({
          urn: b.r.urn,
          problem: `${grants} to ${open.map(nameOf).join(", ")}: anyone who reaches the API server, or a group RBAC cannot restrict`,
          fix: "bind only named identities",
        });
    }
    return findings;
  },
);
