import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { parseKeyId } from "../lib/gcp";

const POLICY = "gcp:binaryauthorization/policy:Policy";
const ATTESTOR = "gcp:binaryauthorization/attestor:Attestor";
const KEY = "gcp:kms/cryptoKey:CryptoKey";
const ENFORCED = "ENFORCED_BLOCK_AND_AUDIT_LOG";

type Rule = {
  evaluationMode?: string;
  enforcementMode?: string;
  requireAttestationsBies?: string[];
  cluster?: string;
};
type PublicKey = { id?: string; asciiArmoredPgpPublicKey?: string; pkixPublicKey?: unknown };

/** `//cloudkms.googleapis.com/v1/<key>/cryptoKeyVersions/<n>` → the key's id. */
function kmsKeyOf(publicKeyId: unknown): string | undefined {
  return /^\/\/cloudkms\.googleapis\.com\/v1\/(projects\/.+\/cryptoKeys\/[^/]+)\/cryptoKeyVersions\/\d+$/.exec(
    String(publicKeyId ?? ""),
  )?.[1];
}

/** Why an attestor cannot be trusted to sign after review, or undefined. */
function attestorProblem(name: string, project: string, resources: PolicyResource[]): string | undefined {
  // `projects/P/attestors/A`, or `A` in the policy's own project.
  const [attestorProject, attestorName] = /^projects\/([^/]+)\/attestors\/([^/]+)$/.exec(name)?.slice(1) ?? [
    project,
    name,
  ];
  const attestor = resources.find(
    (r) => r.type === ATTESTOR && r.props.name === attestorName && r.props.project === attestorProject,
  );
  if (!attestor) return `attestor ${name} is not one of the stack's`;
  const keys = ((attestor.props.attestationAuthorityNote as { publicKeys?: PublicKey[] } | undefined)
    ?.publicKeys ?? []) as PublicKey[];
  if (!keys.length) return `attestor ${name} has no public key`;
  for (const k of keys) {
    const keyId = kmsKeyOf(k.id);
    if (!keyId)
      return `attestor ${name} trusts a key outside Cloud KMS (${k.asciiArmoredPgpPublicKey ? "a PGP key" : JSON.stringify(k.id ?? null)}), whose private half can live on anyone's laptop`;
    const key = resources.find(
      (r) => r.type === KEY && `${String(r.props.keyRing)}/cryptoKeys/${String(r.props.name)}` === keyId,
    );
    const level = (key?.props.versionTemplate as { protectionLevel?: string } | undefined)?.protectionLevel;
    if (!key || level !== "HSM")
      return `attestor ${name} trusts ${parseKeyId(keyId)?.key ?? keyId}, which is ${key ? `${String(level ?? "SOFTWARE")}-protected` : "not a key of this stack"}, not an HSM key`;
  }
  return undefined;
}

/**
 * K8S-04 means what reaches a cluster was reviewed, not merely pushed: every Binary Authorization
 * policy requires, by default and for every cluster it names, an attestation of one of the stack's
 * attestors, enforced (not dry-run), with HSM keys in Cloud KMS and no image exempt by name
 * (`admissionWhitelistPatterns` exempt an image from every rule; Google's system images are exempt
 * through globalPolicyEvaluationMode instead: https://cloud.google.com/binary-authorization/docs/policy-yaml-reference).
 */
export const binaryAuthorizationAttestation = stackPolicy(
  {
    name: "binaryauthorization-policy-attestation",
    description:
      "Every Binary Authorization policy requires an enforced attestation by an HSM-backed attestor of the stack, for every cluster, and exempts no image by name.",
    controls: ["K8S-04"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Build the policy with components/binaryAuthorization.ts: REQUIRE_ATTESTATION by the project's attestor, ENFORCED_BLOCK_AND_AUDIT_LOG, no admission allowlist, no weaker cluster rule.",
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const policy of resources.filter((r) => r.type === POLICY)) {
      const problems: string[] = [];
      const judge = (where: string, rule: Rule | undefined) => {
        if (!rule || rule.evaluationMode !== "REQUIRE_ATTESTATION")
          problems.push(`${where} is ${String(rule?.evaluationMode ?? "unset")}, not REQUIRE_ATTESTATION`);
        else if (!(rule.requireAttestationsBies ?? []).length) problems.push(`${where} names no attestor`);
        if (rule && rule.enforcementMode !== ENFORCED)
          problems.push(`${where} enforcement is ${String(rule.enforcementMode ?? "unset")} (not blocking)`);
        for (const name of rule?.requireAttestationsBies ?? []) {
          const problem = attestorProblem(String(name), String(policy.props.project), resources);
          if (problem) problems.push(problem);
        }
      };
      judge("the default rule", policy.props.defaultAdmissionRule as Rule | undefined);
      for (const rule of (policy.props.clusterAdmissionRules ?? []) as Rule[])
        judge(`the rule of cluster ${String(rule.cluster)}`, rule);
      const exempt = ((policy.props.admissionWhitelistPatterns ?? []) as { namePattern?: string }[]).map(
        (p) => String(p.namePattern),
      );
      if (exempt.length)
        problems.push(`images matching ${exempt.join(", ")} are admitted without an attestation`);
      if (problems.length)
        findings.push({
          urn: policy.urn,
          problem: `project ${String(policy.props.project)}: ${problems.join("; ")}`,
          fix: "require an enforced attestation by the project's attestor everywhere, with no allowlisted image",
        });
    }
    // A cluster enforcing its project's singleton policy where the stack declares none runs under
    // Google's default policy, which admits every image ("the default policy allows all images to
    // be deployed": https://cloud.google.com/binary-authorization/docs/configuring-policy-console).
    const withPolicy = new Set(
      resources.filter((r) => r.type === POLICY).map((r) => String(r.props.project)),
    );
    const unruled = new Map<string, PolicyResource[]>();
    for (const cluster of resources.filter((r) => r.type === "gcp:container/cluster:Cluster")) {
      const mode = (cluster.props.binaryAuthorization as { evaluationMode?: string } | undefined)
        ?.evaluationMode;
      const project = String(cluster.props.project);
      if (mode === "PROJECT_SINGLETON_POLICY_ENFORCE" && !withPolicy.has(project))
        unruled.set(project, [...(unruled.get(project) ?? []), cluster]);
    }
    for (const [project, clusters] of unruled)
      findings.push({
        urn: clusters[0].urn,
        problem: `cluster(s) ${clusters.map((c) => String(c.props.name)).join(", ")} enforce the Binary Authorization policy of ${project}, which the stack does not declare: Google's default policy admits every image`,
        fix: "declare the project's policy with components/binaryAuthorization.ts (ImageAdmission)",
      });
    return findings;
  },
);
