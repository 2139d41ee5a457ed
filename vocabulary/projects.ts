/** The platform's projects by role. */
export interface ProjectIds {
  platform: string;
  cde: string;
  kms: string;
  logging: string;
}

export type ProjectRole = keyof ProjectIds;
export const PROJECT_ROLES: ProjectRole[] = ["platform", "cde", "kms", "logging"];

/** Where new projects go; absent when the stack adopts existing projects. */
export interface ProjectFactory {
  organizationId?: string;
  folderId?: string;
  billingAccount: string;
}
