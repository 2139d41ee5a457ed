/**
 * Authoritative IAM policies (`*IamPolicy`/`*IAMPolicy` types) read as the grants they make. Each
 * sets a resource's whole allow policy from one JSON document, policyData (`{bindings: [{role,
 * members, condition?}]}`: https://cloud.google.com/iam/docs/reference/rest/v1/Policy), on the same
 * resource reference (cryptoKeyId, keyRingId, bucket, serviceAccountId, orgId, topic, repository…)
 * as its `*IamBinding`/`*IAMBinding` sibling: the provider generates all three from one IAM
 * framework (magic-modules mmv1/third_party/terraform/tpgiamresource/resource_iam_policy.go and
 * resource_iam_binding.go), so every policy type of @pulumi/gcp has its binding type, the word
 * Policy become Binding (test/policies.test.ts checks the list). Each of the policy's bindings is
 * judged as that binding would be (policies/lib/define.ts): a grant in policyData otherwise passed
 * every rule that reads grants (issue #26, third attacker pass).
 */
import { UnknownValueError } from "@pulumi/policy";

const IAM_POLICY_TYPE = /^gcp:[a-zA-Z0-9]+\/[a-zA-Z0-9]*(IAM|Iam|iAM|iam)Policy:[a-zA-Z0-9]*(IAM|Iam)Policy$/;

export const isIamPolicyType = (type: string): boolean => IAM_POLICY_TYPE.test(type);

/** `gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy` → `gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding`. */
export const bindingTypeOf = (type: string): string => type.replace(/(IAM|Iam|iAM|iam)Policy/g, "$1Binding");

export interface PolicyBinding {
  role: string;
  members: string[];
  condition?: { expression?: string; title?: string; description?: string };
}

/** What a policy resource's policyData says: its bindings, unknown (at preview), or why it is unreadable. */
export type PolicyDataReading =
  { bindings: PolicyBinding[]; auditConfigs: number } | "unknown" | { unreadable: string };

export function readPolicyData(props: Record<string, unknown>): PolicyDataReading {
  let data: unknown;
  try {
    data = props.policyData;
  } catch (e) {
    // A policy computed from other resources is unknown until apply: judged at `up`, as the
    // analyzer does for any value it cannot read yet.
    if (e instanceof UnknownValueError) return "unknown";
    throw e;
  }
  if (typeof data !== "string")
    return { unreadable: `policyData is ${JSON.stringify(data)}, not a JSON string` };
  let policy: unknown;
  try {
    policy = JSON.parse(data);
  } catch (e) {
    return { unreadable: `policyData is not JSON (${(e as Error).message})` };
  }
  if (!policy || typeof policy !== "object" || Array.isArray(policy))
    return { unreadable: "policyData is not a JSON object" };
  const bindings = (policy as { bindings?: unknown }).bindings ?? [];
  if (!Array.isArray(bindings)) return { unreadable: "policyData's bindings is not a list" };
  const read: PolicyBinding[] = [];
  for (const [i, b] of bindings.entries()) {
    const { role, members, condition } = (b ?? {}) as Record<string, unknown>;
    if (typeof role !== "string" || !Array.isArray(members) || members.some((m) => typeof m !== "string"))
      return { unreadable: `policyData's binding ${i} has no role string and members list of strings` };
    if (condition !== undefined && (typeof condition !== "object" || condition === null))
      return { unreadable: `policyData's binding ${i} has a condition that is not an object` };
    read.push({ role, members: members as string[], condition: condition as PolicyBinding["condition"] });
  }
  // gcp.organizations.getIAMPolicy writes audit_config blocks into policyData too (magic-modules
  // data_source_google_iam_policy.go: `policy.AuditConfigs = expandAuditConfig(aset)`).
  const auditConfigs = (policy as { auditConfigs?: unknown }).auditConfigs;
  return { bindings: read, auditConfigs: Array.isArray(auditConfigs) ? auditConfigs.length : 0 };
}

interface Typed {
  type: string;
  props: Record<string, unknown>;
}

/**
 * Each binding of a policy resource as its binding type: the same resource (name, urn, and every
 * input but policyData, read through the original's props), with role, members and condition.
 */
export function bindingsOf<T extends Typed>(resource: T): T[] {
  if (!isIamPolicyType(resource.type)) return [];
  const reading = readPolicyData(resource.props);
  if (reading === "unknown" || "unreadable" in reading) return [];
  return reading.bindings.map((b) => {
    const props = Object.create(resource.props) as Record<string, unknown>;
    Object.assign(props, { role: b.role, members: b.members, condition: b.condition, policyData: undefined });
    return { ...resource, type: bindingTypeOf(resource.type), props };
  });
}

const expanded = new WeakMap<object, unknown[]>();

/** The resources with every policy resource's bindings added after it (the policy resource stays). */
export function withPolicyBindings<T extends Typed>(resources: T[]): T[] {
  const cached = expanded.get(resources);
  if (cached) return cached as T[];
  const all = resources.some((r) => isIamPolicyType(r.type))
    ? resources.flatMap((r) => [r, ...bindingsOf(r)])
    : resources;
  expanded.set(resources, all);
  return all;
}
