import * as pulumi from "@pulumi/pulumi";
import { PlatformSecrets, SecretSpec } from "../../components/platformSecrets";
import { Region } from "../../vocabulary/regions";
import { PlatformConfig } from "../config/types";
import { DataStores } from "./data";
import { Foundation } from "./foundation";
import { Keys } from "./keys";
import { Workloads } from "./workloads";

/** The secrets the platform creates or passes, in Secret Manager (ENC-09); returns their names for the outputs. */
export function buildSecrets(
  config: PlatformConfig,
  f: Foundation,
  keys: Keys,
  data: DataStores,
  workloads: Workloads,
): Record<string, pulumi.Output<string>> {
  const specs: SecretSpec[] = data.caches.map((cache, i) => ({
    id: `redis-auth-${f.regions[i]}`,
    value: cache.authString,
    readers: [workloads.ledger.member],
  }));
  const pagerDuty = config.alerting.pagerDutyServiceKey;
  // Read only by the notification channel at deployment; no workload reads it.
  if (pagerDuty) specs.push({ id: "pagerduty-service-key", value: pagerDuty, readers: [] });
  const secrets = new PlatformSecrets(
    `${f.env}-secrets`,
    {
      project: f.projects.ids.platform,
      replicaKeys: Object.fromEntries(
        f.regions.map((r) => [r, keys.hierarchy.keyId("secrets", r)]),
      ) as Record<Region, pulumi.Output<string>>,
      secrets: specs,
      labels: f.labels("tenant"),
    },
    { dependsOn: [...f.ready.platform, ...f.regions.flatMap((r) => keys.hierarchy.grantsOf("secrets", r))] },
  );
  return secrets.names;
}
