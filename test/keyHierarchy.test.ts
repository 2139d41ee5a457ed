import * as pulumi from "@pulumi/pulumi";
import { KEK_BATCH_SIZE, KeyHierarchy } from "../components/keyHierarchy";
import { runOffline } from "../harness/run";
import { loadStack } from "../harness/stackFile";
import { standardLabels } from "../platform/labels";
import { T } from "./helpers/plan";

describe("KeyHierarchy with many tenants", () => {
  test("registers a KEK for every tenant in every region when tenants span several batches", async () => {
    const tenants = Array.from({ length: KEK_BATCH_SIZE * 2 + 7 }, (_, i) => ({
      id: `t-${i}`,
      displayName: `T ${i}`,
    }));
    let hierarchy: KeyHierarchy | undefined;
    const run = await runOffline(loadStack("prod"), (config) => {
      hierarchy = new KeyHierarchy("keys", {
        project: "kms-project",
        regions: ["us-central1", "us-east1"],
        auditRegion: "us-central1",
        tenants,
        agentMember: (agent) =>
          pulumi.output(`serviceAccount:${agent.service}@example.iam.gserviceaccount.com`),
        labels: standardLabels(config, "none"),
      });
      return {};
    });
    const keks = run.resources.filter((r) => r.type === T.key && r.name.includes("-kek-"));
    expect(keks).toHaveLength(tenants.length * 2);
    expect(new Set(keks.map((k) => k.id)).size).toBe(tenants.length * 2);
    expect(keks.at(-1)?.id).toBe(
      `projects/kms-project/locations/us-east1/keyRings/tenant-kek/cryptoKeys/kek-t-${tenants.length - 1}`,
    );
    await hierarchy?.tenantKeksRegistered;
    expect(hierarchy?.tenantKeks["us-east1"].size).toBe(tenants.length);
  });
});
