import { KeyHierarchy } from "../../components/keyHierarchy";
import { KmsWriteQuota } from "../../components/kmsWriteQuota";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";

export interface Keys {
  hierarchy: KeyHierarchy;
  writeQuota: KmsWriteQuota;
}

/** Both key hierarchies (ENC-03..08) and the KMS write quota the emergency rotation needs (ENC-06). */
export function buildKeys(config: PlatformConfig, f: Foundation): Keys {
  const ids = f.projects.ids;
  const hierarchy = new KeyHierarchy(
    `${f.env}-keys`,
    {
      project: ids.kms,
      regions: f.regions,
      auditRegion: config.audit.region,
      agentMember: f.agentMember,
      labels: f.labels("none"),
      protect: f.protect,
    },
    { dependsOn: f.ready.kms },
  );
  const writeQuota = new KmsWriteQuota(
    `${f.env}-kms-write-quota`,
    {
      project: ids.kms,
      regions: f.regions,
      keysPerRegion: config.tenants.length,
      contactEmail: config.alerting.emails[0],
    },
    { dependsOn: f.ready.kms },
  );
  return { hierarchy, writeQuota };
}
