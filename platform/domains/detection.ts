import * as pulumi from "@pulumi/pulumi";
import { FindingNotifications } from "../../components/findingNotifications";
import { HealthModules } from "../../components/healthModules";
import { HEALTH_MODULES } from "../../catalogue/healthModules";
import { PROJECT_APIS, PROJECT_ROLES } from "../../components/projects";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";
import { Keys } from "./keys";

const MANAGEMENT_API = "securitycentermanagement.googleapis.com";
const SCC_API = "securitycenter.googleapis.com";

/**
 * Detection (DET-01, DET-02): the catalogue's Security Health Analytics custom modules over every
 * project, and their findings — with every detector's — to on-call through the logging project. The
 * activation of Security Command Center and of its detectors is the organisation's, declared by the
 * stack's configuration and reported by the rehearsal (docs/detection.md).
 */
export function buildDetection(
  config: PlatformConfig,
  f: Foundation,
  keys: Keys,
  notificationChannels: pulumi.Input<string>[],
): FindingNotifications {
  const { env, projects } = f;
  const folderId = config.projectFactory?.folderId;
  new HealthModules(`${env}-health-modules`, {
    modules: HEALTH_MODULES,
    scope: folderId
      ? // The folder's modules are called with the deployer's quota project (docs/rehearsal.md);
        // they wait for the projects they cover.
        { kind: "folder", folderId, dependsOn: PROJECT_ROLES.flatMap((role) => projects.services[role]) }
      : {
          kind: "projects",
          projects: Object.fromEntries(
            PROJECT_ROLES.map((role) => [
              role,
              {
                id: projects.ids[role],
                apis: PROJECT_APIS[role],
                dependsOn: [projects.servicesByApi[role][MANAGEMENT_API]],
              },
            ]),
          ),
        },
  });
  const region = config.audit.region;
  return new FindingNotifications(`${env}-findings`, {
    loggingProject: projects.ids.logging,
    projects: projects.ids,
    region,
    kmsKeyName: keys.hierarchy.keyId("scc-findings", region),
    sharedAgent: config.securityCommandCenter.activation === "organization",
    notificationChannels,
    runbook: "https://github.com/qairopay/platform/blob/main/docs/detection.md",
    labels: f.labels("none"),
    protect: f.protect,
    dependsOn: [...keys.hierarchy.grantsOf("scc-findings", region), ...f.ready.logging],
    configDependsOn: Object.fromEntries(
      PROJECT_ROLES.map((role) => [role, [projects.servicesByApi[role][SCC_API]]]),
    ),
  });
}
