import * as pulumi from "@pulumi/pulumi";
import { Region } from "../../vocabulary/regions";
import { Tenant } from "./tenants";

import { DataClass } from "../../vocabulary/dataClass";
import { ProjectFactory, ProjectIds } from "../../vocabulary/projects";

// Vocabulary shared with components/ (which never import platform/), re-exported for the platform.
export type { DataClass, ProjectFactory, ProjectIds };

/** The validated configuration of one stack, read once in `index.ts` and passed down. */
export interface PlatformConfig {
  stack: string;
  environment: "prod" | "staging";
  owner: string;
  /** Both serving regions, the primary first. */
  regions: [Region, Region];
  primaryRegion: Region;
  secondaryRegion: Region;
  projects: ProjectIds;
  projectFactory?: ProjectFactory;
  addressSpace: string;
  tenants: Tenant[];
  sql: {
    databaseVersion: string;
    tier: string;
    backupRetentionCount: number;
    logRetentionDays: number;
    designateDrReplica: boolean;
    /** The cardholder migration Job's images, relative to the cluster project's `containers` repository; absent until mirrored. */
    migrationImages?: { proxy: string; client: string };
  };
  maintenance: { day: number; hour: number };
  /** One `up` that gives the Kubernetes providers their clusterIdentifier with the endpoint unchanged (docs/segmentation.md). */
  kubernetesProviderTransition: boolean;
  redis: { memorySizeGb: number; replicaCount: number; version: string };
  intrusionDetectionRegions: Region[];
  /** Third-party hosts the platform VPC may reach on 443 (NET-08). */
  egressFqdnAllowlist: string[];
  /** VPC Service Controls: the organisation's access policy, and whether the perimeter is enforced. */
  perimeter: { accessPolicy: string; enforced: boolean };
  /** Organization Policy (GOV-03): where custom constraints are defined, where policies are set, and whether enforced. */
  orgPolicy: { organizationId: string; scope: "folder" | "projects"; enforced: boolean };
  gke: { releaseChannel: string; authorizedNetworks: { name: string; cidr: string }[] };
  gateway: { domain: string; configRegion: Region; drainedRegion?: Region };
  audit: { region: Region; retentionDays: number };
  alerting: { emails: string[]; pagerDutyServiceKey?: pulumi.Output<string>; drReplicaLagSeconds: number };
  /**
   * Who runs `pulumi up` (`principal`, the apply identity), who previews in CI (`previewPrincipal`,
   * the read-only plan identity), and what the projects' owners did outside the stack (APIs
   * enabled, default accounts deprivileged).
   */
  deployer: {
    principal: string;
    previewPrincipal?: string;
    externallyEnabledApis: string[];
    defaultServiceAccountsDeprivileged: string[];
  };
  /** The image pipeline (sole writer and signer) and whether attestations are required (K8S-04). */
  images: { legacyRepositories: boolean; pipeline: string; attestationEnforced: boolean };
  /** Organisation guardrails' values: who IAM policies may name, which networks the VPCs may peer with. */
  identity: { workspaceCustomerId: string; vpcPeeringAllowlist: string[] };
  groups: {
    auditors: string;
    breakGlass: string;
    /** May request just-in-time privileged access (IAM-07). */
    privilegedAccessRequesters: string;
    /** Approve those requests; never the requesters' group. */
    privilegedAccessApprovers: string;
    /** The only group that may read, restore or delete backups, just in time (RES-10). */
    backupOperators: string;
  };
  /** The break-glass group's user accounts, whose every action raises an alert (IAM-07). */
  breakGlassAccounts: string[];
  /** Security Command Center as the organisation activated it: an external prerequisite (DET-01). */
  securityCommandCenter: {
    tier: "PREMIUM" | "ENTERPRISE";
    activation: "organization" | "project";
    pciComplianceFramework: boolean;
  };
  /** Whether the immutable backups' retention is locked (irreversible; RES-10). */
  backups: { retentionLocked: boolean };
  /** Destroyed and rebuilt (staging): nothing protected, project ids with a generation suffix. */
  ephemeral: boolean;
}
