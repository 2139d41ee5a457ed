import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { CMEK_KEY_PATHS, cmekKeysOf } from "../../facts/google/cmekKeyPaths";
import { SERVICE_AGENTS, ServiceAgentName } from "../../facts/google/serviceAgents";
import { parseKeyId, parseKeyRingId, parseServiceAgent } from "../lib/gcp";

const KEY_USER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

/**
 * The other direction: every key a resource names is granted to its project's agent of that service
 * (Cloud SQL, for one, cannot start an instance whose key its agent cannot use). A project's number
 * is read from its agents' addresses (`service-<number>@…`) or its Project resource; where it is
 * unknown, any grant of the key to an agent of that service counts.
 */
function missingGrants(resources: PolicyResource[]): Finding[] {
  const numbers = new Map<string, string>();
  for (const r of resources) {
    if (r.type === "gcp:organizations/project:Project" && r.props.number)
      numbers.set(String(r.props.projectId), String(r.props.number));
    if (r.type === "gcp:projects/serviceIdentity:ServiceIdentity") {
      const number = /^serviceAccount:service-(\d+)@/.exec(String(r.props.member))?.[1];
      if (number) numbers.set(String(r.props.project), number);
    }
  }
  const granted = new Map<string, Set<string>>();
  for (const r of resources.filter(
    (x) => x.props.role === KEY_USER_ROLE && x.type.startsWith("gcp:kms/cryptoKeyIAM"),
  )) {
    const key = String(r.props.cryptoKeyId);
    const members = r.props.members ? (r.props.members as string[]) : [String(r.props.member)];
    granted.set(key, new Set([...(granted.get(key) ?? []), ...members]));
  }
  const findings: Finding[] = [];
  for (const r of resources) {
    // Where each type names its key and whose agent uses it: facts/google/cmekKeyPaths.ts.
    for (const { key, use } of cmekKeysOf(r.type, r.props)) {
      if (!parseKeyId(key)) continue;
      const number = numbers.get(String(r.props.project));
      const holders = [...(granted.get(key) ?? [])].map(parseServiceAgent);
      const ok = holders.some((a) => a?.kind === use.agent && (!number || a.projectNumber === number));
      if (!ok)
        findings.push({
          urn: r.urn,
          problem: `the ${use.agent} agent of ${String(r.props.project)}${number ? ` (service-${number}@${SERVICE_AGENTS[use.agent].domain})` : ""} holds no ${KEY_USER_ROLE} on ${key}, which this resource encrypts with: the service cannot use the key`,
          fix: "grant the agent the role on that key with a CryptoKeyIAMMember, and depend on it",
        });
    }
  }
  return findings;
}

/** Keys each agent kind actually uses, from the resources in the stack. */
export function keysUsedByAgent(resources: PolicyResource[]): Map<ServiceAgentName, Set<string>> {
  const used = new Map<ServiceAgentName, Set<string>>();
  for (const r of resources.filter((x) => x.type in CMEK_KEY_PATHS)) {
    for (const { key, use } of cmekKeysOf(r.type, r.props)) {
      if (!parseKeyId(key)) continue;
      if (!used.has(use.agent)) used.set(use.agent, new Set());
      used.get(use.agent)?.add(key);
    }
  }
  return used;
}

export const kmsAgentGrantsExact = stackPolicy(
  {
    name: "kms-service-agent-grants-exact",
    description:
      "Each Google service agent holds cryptoKeyEncrypterDecrypter on exactly the individual keys its service uses: none missing, none extra, never on a key ring or project.",
    controls: ["ENC-08"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant the service agent with a CryptoKeyIAMMember on exactly the keys its service's resources name; remove key-ring, project-level and unused grants.",
  },
  (resources) => {
    const used = keysUsedByAgent(resources);
    const findings: Finding[] = [...missingGrants(resources)];
    for (const r of resources) {
      if (r.props.role !== KEY_USER_ROLE) continue;
      const agent = parseServiceAgent(r.props.member);
      if (!agent) continue;
      if (r.type === "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") {
        const key = String(r.props.cryptoKeyId);
        if (!used.get(agent.kind)?.has(key)) {
          findings.push({
            urn: r.urn,
            problem: `${String(r.props.member)} (${agent.kind} agent) is granted ${key}, which no ${agent.kind} resource uses`,
            fix: "remove the grant, or grant the key the service actually uses",
          });
        }
      } else {
        const scope = parseKeyRingId(r.props.keyRingId)
          ? `key ring ${String(r.props.keyRingId)}`
          : `project ${String(r.props.project)}`;
        findings.push({
          urn: r.urn,
          problem: `${String(r.props.member)} (${agent.kind} agent) is granted ${KEY_USER_ROLE} on ${scope}`,
          fix: "grant the role on the individual keys with CryptoKeyIAMMember instead",
        });
      }
    }
    return findings;
  },
);
