/** The platform's projects by role. */
export interface ProjectIds {
  platform: string;
  cde: string;
  kms: string;
  logging: string;
}

/** Where new projects go; absent when the stack adopts existing projects. */
export interface ProjectFactory {
  organizationId?: string;
  folderId?: string;
  billingAccount: string;
}
