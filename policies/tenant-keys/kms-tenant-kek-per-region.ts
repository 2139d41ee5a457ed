import { Finding, stackPolicy } from "../lib/define";
import { ALLOWED_REGIONS, parseKeyRingId } from "../lib/gcp";

export const tenantKekPerRegion = stackPolicy(
  {
    name: "kms-tenant-kek-per-region",
    description:
      "Every tenant has its own key-encryption key in every serving region, in the tenant-kek key ring.",
    controls: ["TEN-01"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add the tenant to the stack's tenant registry so the key hierarchy creates its KEK in every region; never remove a KEK.",
  },
  (resources) => {
    const keks = resources.filter(
      (r) =>
        r.type === "gcp:kms/cryptoKey:CryptoKey" &&
        (r.props.labels as Record<string, string> | undefined)?.tenant,
    );
    const regionsByTenant = new Map<string, Map<string, string>>();
    const findings: Finding[] = [];
    for (const kek of keks) {
      const tenant = (kek.props.labels as Record<string, string>).tenant;
      const ring = parseKeyRingId(kek.props.keyRing);
      if (ring?.ring !== "tenant-kek") {
        findings.push({
          urn: kek.urn,
          problem: `KEK of tenant ${tenant} is in key ring ${JSON.stringify(ring?.ring ?? kek.props.keyRing)}`,
          fix: "create it in the tenant-kek ring",
        });
      }
      if (!regionsByTenant.has(tenant)) regionsByTenant.set(tenant, new Map());
      if (ring) regionsByTenant.get(tenant)?.set(ring.location, kek.urn);
    }
    for (const [tenant, regions] of regionsByTenant) {
      for (const region of ALLOWED_REGIONS.filter((r) => !regions.has(r))) {
        findings.push({
          urn: [...regions.values()][0],
          problem: `tenant ${tenant} has no KEK in ${region} (only in ${[...regions.keys()].join(", ")})`,
          fix: `create the tenant's KEK in ${region}`,
        });
      }
    }
    return findings;
  },
);
