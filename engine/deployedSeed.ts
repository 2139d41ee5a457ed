import { plain } from "./deployment";
import { CapturedResource } from "./model";

/**
 * What a deployed stack tells the offline program about values only Google knows, so that the
 * program previewed against that stack (`rehearse --against`) computes what the engine would: in a
 * preview the engine answers each existing resource with its state, and the provider reads data
 * sources from Google. The mocks (engine/gcpMocks.ts) answer from this seed first:
 * - every resource's id and outputs, by URN (server-assigned ids, addresses, service-agent
 *   e-mails, generated suffixes, notification channel numbers);
 * - each project's number, which `getProject` returns and service-agent addresses embed: from the
 *   stack output `projectNumbers` (platform/build.ts) and the created projects' `number`;
 * - each project's Logging CMEK service account, which `getProjectCmekSettings` returns: the
 *   Cloud Logging account of that project's number granted on a KMS key.
 */
export interface DeployedSeed {
  byUrn: Map<string, { id: string; outputs: Record<string, unknown> }>;
  projectNumbers: Map<string, string>;
  loggingCmekAccounts: Map<string, string>;
}

export const EMPTY_SEED: DeployedSeed = {
  byUrn: new Map(),
  projectNumbers: new Map(),
  loggingCmekAccounts: new Map(),
};

const LOGGING_ACCOUNT =
  /^serviceAccount:((?:service-|cmek-p)(\d+)@gcp-sa-logging\.iam\.gserviceaccount\.com)$/;

export function seedFromDeployment(deployed: CapturedResource[]): DeployedSeed {
  const byUrn = new Map<string, { id: string; outputs: Record<string, unknown> }>();
  const projectNumbers = new Map<string, string>();
  for (const r of deployed) {
    if (r.custom && !r.type.startsWith("pulumi:providers:"))
      byUrn.set(r.urn, { id: r.id ?? "", outputs: plain(r.outputs) as Record<string, unknown> });
    if (r.type === "pulumi:pulumi:Stack") {
      const numbers = (plain(r.outputs) as { projectNumbers?: Record<string, unknown> }).projectNumbers ?? {};
      for (const [id, n] of Object.entries(numbers)) if (typeof n === "string") projectNumbers.set(id, n);
    }
    if (r.type === "gcp:organizations/project:Project") {
      const o = plain(r.outputs) as { projectId?: string; number?: string };
      if (o.projectId && o.number) projectNumbers.set(o.projectId, String(o.number));
    }
  }
  const projectOfNumber = new Map([...projectNumbers].map(([id, n]) => [n, id]));
  const loggingCmekAccounts = new Map<string, string>();
  for (const r of deployed) {
    if (r.type !== "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") continue;
    const match = LOGGING_ACCOUNT.exec(String((plain(r.inputs) as { member?: string }).member ?? ""));
    const project = match && projectOfNumber.get(match[2]);
    if (match && project) loggingCmekAccounts.set(project, match[1]);
  }
  return { byUrn, projectNumbers, loggingCmekAccounts };
}
