import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** The Pulumi project of the CI identities (ci-identities/Pulumi.yaml). */
export const CI_IDENTITIES_PROJECT = "qairopay-ci-identities";

/** This repository's workflows that federate: the privileged preview of pull requests, and deploys. */
export const PREVIEW_WORKFLOW = ".github/workflows/pull-request-preview.yml";
export const DEPLOY_WORKFLOW = ".github/workflows/deploy.yml";

export interface CiIdentitiesConfig {
  environment: "prod" | "staging";
  /** The project that holds the pool and the service accounts, and its number. */
  ciProject: string;
  ciProjectNumber: string;
  github: { repository: string; repositoryId: string; branch: string };
  organizationId: string;
  accessPolicy: string;
  /** Where the platform stack lives: projects it adopts (prod), or the folder it creates them in (staging). */
  target: { projects: string[] } | { folderId: string; billingAccount: string };
}

const projectId = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { message: "must be a project id" });
const numeric = (what: string) => z.string().regex(/^\d{1,20}$/, { message: `must be a numeric ${what}` });

const schema = z
  .object({
    environment: z.enum(["prod", "staging"], { message: "must be prod or staging" }),
    ciProject: projectId,
    ciProjectNumber: numeric("project number"),
    repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: "must be OWNER/NAME" }),
    repositoryId: numeric("repository id (gh api repos/OWNER/NAME --jq .id)"),
    branch: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, { message: "must be a branch name" })
      .default("main"),
    organizationId: numeric("organisation id"),
    accessPolicy: numeric("access policy id"),
    projects: z.array(projectId).optional(),
    folderId: numeric("folder id").optional(),
    billingAccount: z
      .string()
      .regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, { message: "must be XXXXXX-XXXXXX-XXXXXX" })
      .optional(),
  })
  .superRefine((c, ctx) => {
    const adopted = (c.projects ?? []).length > 0;
    const creates = c.folderId !== undefined;
    if (adopted === creates)
      ctx.addIssue({
        code: "custom",
        path: ["projects"],
        message:
          "give either projects (a stack that adopts its projects) or folderId (one that creates them)",
      });
    if (creates && !c.billingAccount)
      ctx.addIssue({ code: "custom", path: ["billingAccount"], message: "is required with folderId" });
  });

/** Reads and validates the stack's configuration before anything registers; every problem at once. */
export function readCiIdentitiesConfig(): CiIdentitiesConfig {
  const config = new pulumi.Config(CI_IDENTITIES_PROJECT);
  const parsed = schema.safeParse({
    environment: config.get("environment"),
    ciProject: config.get("ciProject"),
    ciProjectNumber: config.get("ciProjectNumber"),
    repository: config.get("repository"),
    repositoryId: config.get("repositoryId"),
    branch: config.get("branch"),
    organizationId: config.get("organizationId"),
    accessPolicy: config.get("accessPolicy"),
    projects: config.getObject<unknown>("projects"),
    folderId: config.get("folderId"),
    billingAccount: config.get("billingAccount"),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${CI_IDENTITIES_PROJECT}:${i.path.join(".") || "config"}: ${i.message}`,
    );
    throw new pulumi.RunError(`invalid CI identities configuration:\n  ${problems.join("\n  ")}`);
  }
  const c = parsed.data;
  return {
    environment: c.environment,
    ciProject: c.ciProject,
    ciProjectNumber: c.ciProjectNumber,
    github: { repository: c.repository, repositoryId: c.repositoryId, branch: c.branch },
    organizationId: c.organizationId,
    accessPolicy: c.accessPolicy,
    target: c.folderId
      ? { folderId: c.folderId, billingAccount: c.billingAccount as string }
      : { projects: c.projects as string[] },
  };
}
