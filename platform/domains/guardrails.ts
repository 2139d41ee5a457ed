import * as pulumi from "@pulumi/pulumi";
import { OrgGuardrails } from "../../components/orgGuardrails";
import { PROJECT_ROLES } from "../../components/projects";
import { BUILT_IN_CONSTRAINTS } from "../../catalogue/orgConstraints/builtInConstraints";
import { CUSTOM_CONSTRAINTS, customConstraintName } from "../../catalogue/orgConstraints/customConstraints";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";

/**
 * Organization Policy (GOV-03): the catalogue's constraints at the narrowest scope the stack owns —
 * the folder of the projects it creates, or each adopted project. Set last, after everything they
 * constrain exists, as the perimeter is: a constraint never stops a deployment half-way.
 */
export function buildGuardrails(
  config: PlatformConfig,
  f: Foundation,
  after: pulumi.Resource,
): OrgGuardrails {
  const folderId = config.projectFactory?.folderId;
  const scopes =
    config.orgPolicy.scope === "folder" && folderId
      ? [{ key: "folder", name: pulumi.output(`folders/${folderId}`), kind: "folder" as const }]
      : PROJECT_ROLES.map((role) => ({
          key: role,
          name: pulumi.interpolate`projects/${f.projects.numbers[role]}`,
          kind: "project" as const,
        }));
  return new OrgGuardrails(
    `${f.env}-guardrails`,
    {
      organizationId: config.orgPolicy.organizationId,
      environment: config.environment,
      generation: f.projects.generation,
      scopes,
      enforced: config.orgPolicy.enforced,
      values: {
        kmsProject: f.projects.ids.kms,
        regions: f.regions,
        organizationId: config.orgPolicy.organizationId,
        workspaceCustomerId: config.identity.workspaceCustomerId,
        vpcPeeringAllowlist: config.identity.vpcPeeringAllowlist,
      },
      catalogue: { custom: CUSTOM_CONSTRAINTS, builtIn: BUILT_IN_CONSTRAINTS, customConstraintName },
    },
    { dependsOn: [after] },
  );
}
