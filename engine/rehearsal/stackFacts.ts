import { CapturedResource } from "../model";
import { plain } from "../deployment";
import { ExternalPrerequisites } from "./facts/prerequisites";

/** Stack outputs that carry what the rehearsal needs beyond the registrations (see buildPlatform). */
export const FACT_OUTPUTS = {
  deployer: "deployerPrincipal",
  previewer: "previewPrincipal",
  operators: "perimeterOperators",
  projectNumbers: "projectNumbers",
  externallyEnabledApis: "externallyEnabledApis",
  defaultServiceAccountsDeprivileged: "defaultServiceAccountsDeprivileged",
  prerequisites: "externalPrerequisites",
} as const;

/** Facts about the stack that are not in any one resource: who deploys, which projects are whose. */
export interface StackFacts {
  /** The principal that runs `pulumi up` (`serviceAccount:…`, `group:…`, `user:…`), when known. */
  deployer?: string;
  /** The read-only identity CI previews the stack with (`serviceAccount:…`), when configured. */
  previewer?: string;
  /** The people the perimeter admits by name from the operators' networks (`group:…`). */
  operators: string[];
  /** `<project id>/<service>` enabled outside this stack in projects it adopts. */
  externallyEnabledApis: Set<string>;
  /** Adopted projects whose Compute Engine default service account was stripped of its roles outside the stack. */
  defaultServiceAccountsDeprivileged: Set<string>;
  /** Project number → project id. */
  projectNumbers: Map<string, string>;
  /** Project ids this stack creates (`gcp:organizations/project:Project`). */
  createdProjects: Map<string, CapturedResource>;
  /** The project a resource without a `project` input lands in, per provider reference. */
  providerProjects: Map<string, string>;
  /** Cloud Storage bucket name → its project, for what names a bucket only by name (its IAM). */
  bucketProjects: Map<string, string>;
  /** What the stack declares its organisation did outside it (Security Command Center, PAM). */
  prerequisites: ExternalPrerequisites;
}

export interface StackFactInputs {
  deployer?: string;
  previewer?: string;
  operators?: string[];
  externallyEnabledApis?: string[];
  defaultServiceAccountsDeprivileged?: string[];
  projectNumbers?: Record<string, string>;
}

const PROJECT_TYPE = "gcp:organizations/project:Project";
const IDENTITY_TYPE = "gcp:projects/serviceIdentity:ServiceIdentity";
const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Gathers the facts from, in order of precedence: what the caller passes (stack config or CLI
 * flags), the root stack's outputs (a `pulumi stack export` carries them), and the registrations
 * themselves (created projects' numbers, service identities' e-mails).
 */
export function gatherStackFacts(resources: CapturedResource[], given: StackFactInputs = {}): StackFacts {
  const stackOutputs = plain(resources.find((r) => r.type === STACK_TYPE)?.outputs ?? {}) as Record<
    string,
    unknown
  >;
  const projectNumbers = new Map<string, string>();
  const createdProjects = new Map<string, CapturedResource>();
  const providerProjects = new Map<string, string>();
  const bucketProjects = new Map<string, string>();
  for (const r of resources) {
    if (r.type === "gcp:storage/bucket:Bucket" && typeof r.inputs.project === "string")
      bucketProjects.set(String(r.inputs.name), r.inputs.project);
    const outputs = plain(r.outputs) as Record<string, unknown>;
    if (r.type === PROJECT_TYPE) {
      const id = String(r.inputs.projectId ?? "");
      createdProjects.set(id, r);
      if (outputs.number) projectNumbers.set(String(outputs.number), id);
    }
    if (r.type === IDENTITY_TYPE) {
      const number = /^service-(\d+)@/.exec(String(outputs.email ?? ""))?.[1];
      if (number) projectNumbers.set(number, String(r.inputs.project));
    }
    if (r.type === "pulumi:providers:gcp" && typeof r.inputs.project === "string")
      providerProjects.set(r.urn, r.inputs.project);
  }
  const declaredNumbers = {
    ...(stackOutputs[FACT_OUTPUTS.projectNumbers] as Record<string, string> | undefined),
    ...given.projectNumbers,
  };
  for (const [projectId, number] of Object.entries(declaredNumbers))
    projectNumbers.set(String(number), projectId);
  const deployer = given.deployer ?? (stackOutputs[FACT_OUTPUTS.deployer] as string | undefined);
  const previewer = given.previewer ?? (stackOutputs[FACT_OUTPUTS.previewer] as string | undefined);
  const operators = given.operators ?? (stackOutputs[FACT_OUTPUTS.operators] as string[] | undefined) ?? [];
  const external =
    given.externallyEnabledApis ??
    (stackOutputs[FACT_OUTPUTS.externallyEnabledApis] as string[] | undefined) ??
    [];
  const deprivileged =
    given.defaultServiceAccountsDeprivileged ??
    (stackOutputs[FACT_OUTPUTS.defaultServiceAccountsDeprivileged] as string[] | undefined) ??
    [];
  const prerequisites = (stackOutputs[FACT_OUTPUTS.prerequisites] as ExternalPrerequisites | undefined) ?? {};
  return {
    prerequisites,
    bucketProjects,
    deployer: deployer || undefined,
    previewer: previewer || undefined,
    operators,
    externallyEnabledApis: new Set(external),
    defaultServiceAccountsDeprivileged: new Set(deprivileged),
    projectNumbers,
    createdProjects,
    providerProjects,
  };
}
