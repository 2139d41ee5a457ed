import * as fs from "fs";
import * as path from "path";
import { Policy, unknownCheckingProxy } from "@pulumi/policy";
import { bindingTypeOf, isIamPolicyType, readPolicyData } from "../policies/lib/iamPolicies";
import { CapturedResource } from "../engine/model";
import { readPolicyConfig, stackPolicyConfigFile } from "../engine/policyConfig";
import { evaluatePacks, frozenPlan } from "../engine/policyEvaluator";
import { CI_IDENTITY_PACK, PACKS, TENANT_KEY_PACK } from "../policies/packs";
import { planCiIdentities } from "../tools/ciIdentitiesPlan";
import { CASES } from "../specs/cases/policyCases";
import { UNCATALOGUED_PROOFS } from "../specs/cases/meaningCases";
import { WEAKENINGS, weakeningTitle } from "../catalogue/weakenings";
import { PUBLIC_RULES } from "../catalogue/publicRuleSets";
import { addResource, editResource, removeResource, urnOf, violationsOf } from "../specs/mutate";
import { planConfig, planStack, planTenantShard, prodAsOperated } from "./helpers/plan";

let prod: CapturedResource[];
let prodShard: CapturedResource[];
let ciProd: CapturedResource[];
beforeAll(async () => {
  // With the PagerDuty key set, as prod runs: the Secret Manager cases need its secret.
  // Frozen: every case starts from these, and their unchanged resources' messages are built once.
  prod = frozenPlan((await planConfig(prodAsOperated())).resources);
  prodShard = frozenPlan((await planTenantShard("prod")).resources);
  ciProd = frozenPlan((await planCiIdentities("prod")).resources);
});

// The platform's packs, the tenant-key shards' and the CI identities' (which reuse some), each policy once.
const ALL_POLICIES: Policy[] = [
  ...new Set([...PACKS, TENANT_KEY_PACK, CI_IDENTITY_PACK].flatMap((p) => p.policies)),
];
const planOf = (against: string | undefined) =>
  against === "prod-shard-000" ? prodShard : against === "ci-identities-prod" ? ciProd : prod;
const byName = (name: string) => {
  const p = ALL_POLICIES.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}`);
  return p;
};

describe("the untouched plans", () => {
  test("prod has no violation at all", async () => {
    expect(await violationsOf(prod)).toEqual([]);
  });

  test("staging: clean under its own policy configuration; without it, only what it leaves off by design", async () => {
    const staging = (await planStack("staging")).resources;
    expect(
      await evaluatePacks(PACKS, staging, readPolicyConfig(stackPolicyConfigFile("staging") ?? "")),
    ).toEqual([]);
    const unconfigured = await violationsOf(staging);
    expect([...new Set(unconfigured.map((v) => `${v.enforcementLevel} ${v.policyName}`))].sort()).toEqual([
      "advisory ids-endpoint-per-region",
      "mandatory stateful-resource-protected",
    ]);
  });
});

describe.each(CASES)("$policy catches $title", (c) => {
  test("with the exact message, on the offending resource", async () => {
    const resources = c.mutate(planOf(c.against));
    const found = await violationsOf(resources, c.policy);
    const policy = byName(c.policy);
    expect(found).toContainEqual(
      expect.objectContaining({
        policyName: c.policy,
        enforcementLevel: policy.enforcementLevel,
        urn: urnOf(resources, c.on),
        message: `${policy.description}\n${c.message}`,
      }),
    );
    expect(found.every((v) => v.urn === urnOf(resources, c.on))).toBe(true);
  });
});

describe("policy metadata", () => {
  test.each(ALL_POLICIES.map((p) => [p.name, p] as const))(
    "%s has name, description, controls, severity, remediation and URL",
    (_n, p) => {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(p.description).toMatch(/^[A-Z].*\.$/);
      expect(p.tags?.length).toBeGreaterThan(0);
      for (const id of p.tags ?? []) expect(id).toMatch(/^(ENC|IAM|TEN|LOG|NET|REG|RES|K8S|DET|GOV)-\d{2}$/);
      expect(p.severity).toMatch(/^(low|medium|high|critical)$/);
      expect(p.remediationSteps?.length).toBeGreaterThan(10);
      expect(p.url).toMatch(/^https:\/\/.+#[a-z0-9]{3}-\d{2}$/);
      expect(["advisory", "mandatory"]).toContain(p.enforcementLevel);
    },
  );

  test("every policy has at least one failing case above", () => {
    const covered = new Set(CASES.map((c) => c.policy));
    expect(ALL_POLICIES.map((p) => p.name).filter((n) => !covered.has(n))).toEqual([]);
  });

  test("every weakening of catalogue/weakenings.ts is proven by exactly one case of its policy, and every proof is catalogued", () => {
    const unproven = WEAKENINGS.filter(
      (w) => CASES.filter((c) => c.policy === w.policy && c.title === weakeningTitle(w)).length !== 1,
    );
    expect(unproven).toEqual([]);
    expect(UNCATALOGUED_PROOFS).toEqual([]);
    expect(WEAKENINGS.filter((w) => !ALL_POLICIES.some((p) => p.name === w.policy))).toEqual([]);
  });

  test("every public rule cited (catalogue/publicRuleSets.ts) is proven by a case of its policy, once per id", () => {
    const unproven = PUBLIC_RULES.filter(
      (r) => !CASES.some((c) => c.policy === r.policy && c.title === r.proof),
    );
    expect(unproven).toEqual([]);
    const ids = PUBLIC_RULES.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    // A case written from a check carries its id; the id it carries is the one cited for it.
    const miscited = CASES.filter((c) => /^CKV_GCP_\d+:/.test(c.title)).filter(
      (c) => !PUBLIC_RULES.some((r) => r.proof === c.title && c.title.startsWith(`${r.id}:`)),
    );
    expect(miscited.map((c) => c.title)).toEqual([]);
  });

  test("policy names are unique across packs", () => {
    const names = ALL_POLICIES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

/** @pulumi/pulumi runtime/rpc.js unknownValue: what the engine sends for a value unknown at preview. */
const UNKNOWN_AT_PREVIEW = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ALERTING_POLICIES = [
  "monitoring-privileged-access-alerts",
  "monitoring-security-event-alerts",
  "workflows-backup-export-alerted",
  "scc-notification-config-every-project",
];

/**
 * A preview of a pull request that (re)creates every notification channel: the channels' `name`
 * and every alert policy's `notificationChannels` are unknown, only the dependency graph is known.
 */
function channelsCreatedAtPreview(resources: CapturedResource[]): CapturedResource[] {
  return resources.map((r) => {
    const unknown =
      r.type === "gcp:monitoring/notificationChannel:NotificationChannel"
        ? { name: UNKNOWN_AT_PREVIEW }
        : r.type === "gcp:monitoring/alertPolicy:AlertPolicy"
          ? { notificationChannels: UNKNOWN_AT_PREVIEW }
          : undefined;
    return unknown ? { ...r, inputs: { ...r.inputs, ...unknown }, outputs: { ...r.outputs, ...unknown } } : r;
  });
}

describe("alert policies' channels unknown at preview (policies/lib/alerting.ts)", () => {
  test("judged by the dependency graph: the alerting policies still run, mandatory ones stay mandatory and pass", async () => {
    const found = (await violationsOf(channelsCreatedAtPreview(prod))).filter((v) =>
      ALERTING_POLICIES.includes(v.policyName),
    );
    expect(found).toEqual([]);
  });

  test("a disabled channel still pages nobody, with its name unknown", async () => {
    const disabled = [
      "prod-logging-alerts-pagerduty",
      "prod-logging-alerts-email-sre-oncall-qairopay-com",
      "prod-logging-alerts-email-security-oncall-qairopay-com",
    ].reduce((rs, n) => editResource(n, (p) => (p.enabled = false))(rs), channelsCreatedAtPreview(prod));
    const found = await violationsOf(disabled, "monitoring-privileged-access-alerts");
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((v) => v.enforcementLevel === "mandatory" && !v.message.includes("can't run"))).toBe(
      true,
    );
    expect(found.map((v) => v.message).join("\n")).toContain("break-glass");
  });
});

describe("grant members unknown at preview (policies/lib/privilegedAccess.ts grants)", () => {
  // An account the same change creates: its member is unknown at preview. Read whole, it made
  // iam-privileged-roles-not-standing unable to run (advisory) for every other grant too.
  test("the other grants are still judged, mandatory", async () => {
    const withUnknown = addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "new-account-viewer",
      inputs: { project: "qp-prod-cde", role: "roles/viewer", member: UNKNOWN_AT_PREVIEW },
    })(
      addResource({
        type: "gcp:projects/iAMMember:IAMMember",
        name: "mallory-iam-admin",
        inputs: {
          project: "qp-prod-cde",
          role: "roles/resourcemanager.projectIamAdmin",
          member: "user:mallory@qairopay.com",
        },
      })(prod),
    );
    const found = await violationsOf(withUnknown, "iam-privileged-roles-not-standing");
    expect(found.some((v) => v.message.includes("can't run"))).toBe(false);
    expect(found).toContainEqual(
      expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringContaining("mallory") }),
    );
  });
});

describe("cardholder segmentation (NET-09): what the single-resource cases cannot show", () => {
  test("cardholder workloads with no cde cluster in a region", async () => {
    const found = await violationsOf(
      removeResource("prod-cde-gke-us-east1-cluster")(prod),
      "k8s-cardholder-segmentation",
    );
    expect(found.map((v) => v.message.split(": ").slice(1).join(": "))).toContainEqual(
      "no cde cluster in us-east1 for the cardholder-class workloads. Fix: add a cde GkeCluster in us-east1",
    );
  });

  test("a route out of the cde VPC anywhere but restricted.googleapis.com, and a VPN tunnel of the cde", async () => {
    const withRoute = addResource({
      type: "gcp:compute/route:Route",
      name: "cde-out",
      inputs: {
        project: "qp-prod-cde",
        name: "cde-out",
        destRange: "0.0.0.0/0",
        nextHopGateway: "default-internet-gateway",
      },
    })(prod);
    const withVpn = addResource({
      type: "gcp:compute/vPNTunnel:VPNTunnel",
      name: "cde-vpn",
      inputs: { project: "qp-prod-cde", name: "cde-vpn" },
    })(prod);
    const messages = [
      ...(await violationsOf(withRoute, "compute-cde-network-segmentation")),
      ...(await violationsOf(withVpn, "compute-cde-network-segmentation")),
    ].map((v) => v.message.split("\n").pop());
    expect(messages).toEqual([
      '[NET-09] gcp:compute/route:Route "cde-out": route cde-out in the cardholder-data VPC sends 0.0.0.0/0 somewhere other than restricted.googleapis.com. Fix: remove the route',
      '[NET-09] gcp:compute/vPNTunnel:VPNTunnel "cde-vpn": VPNTunnel cde-vpn joins the cardholder-data VPC to another network. Fix: remove it: the cde is reached only through Private Service Connect',
    ]);
  });
});

describe("gke-dns-endpoint-perimeter", () => {
  test("an enforced perimeter restricting the Kubernetes APIs lets the DNS endpoint take outside traffic", async () => {
    const enforced = (await planStack("prod", { perimeterEnforced: true })).resources;
    expect(await violationsOf(enforced, "gke-dns-endpoint-perimeter")).toEqual([]);
  });
});

describe("artifactregistry-repository-scanning", () => {
  test("with the Container Scanning API off, every repository of the project is unscanned", async () => {
    const mutated = removeResource("prod-platform-containerscanning")(prod);
    const found = await violationsOf(mutated, "artifactregistry-repository-scanning");
    expect(found.map((v) => v.urn.split("::").pop())).toEqual([
      "prod-images-containers-us-central1",
      "prod-images-containers-us-east1",
    ]);
    expect(found[0].message).toContain(
      "scanning is INHERITED but containerscanning.googleapis.com is not enabled in qp-prod-platform: nothing scans",
    );
  });
});

describe("residency of locations", () => {
  test("regions, their zones and Cloud Storage's upper-case names are allowed; multi-regions and other regions are not", () => {
    const { isAllowedLocation } = jest.requireActual("../policies/security/gcp-resource-region-residency");
    expect(
      ["us-central1", "US-CENTRAL1", "us-east1-b", "global", "US", "us", "europe-west1", "us-west1-a"].map(
        isAllowedLocation,
      ),
    ).toEqual([true, true, true, true, false, false, false, false]);
  });
});

describe("pgaudit.log classes (sql-instance-audit-flags)", () => {
  test("`all` is every class, `misc` includes `misc_set`, `-x` removes x, case is ignored", () => {
    const { auditClasses } = jest.requireActual("../policies/security/sql-instance-audit-flags");
    expect(
      ["all", "all,-read", "DDL, Misc", "misc,-misc_set", "none", ""].map((v) => [...auditClasses(v)].sort()),
    ).toEqual([
      ["ddl", "function", "misc", "misc_set", "read", "role", "write"],
      ["ddl", "function", "misc", "misc_set", "role", "write"],
      ["ddl", "misc", "misc_set"],
      ["misc"],
      [],
      [],
    ]);
  });
});

describe("authoritative IAM policies read as their bindings (policies/lib/iamPolicies.ts)", () => {
  // Every resource type of @pulumi/gcp, from its `__pulumiType`.
  const gcpTypes = (): string[] => {
    const root = path.join(path.dirname(require.resolve("@pulumi/gcp/package.json")));
    return fs
      .readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== "node_modules")
      .flatMap((d) =>
        fs
          .readdirSync(path.join(root, d.name))
          .filter((f) => f.endsWith(".js"))
          .flatMap((f) => {
            const m = /__pulumiType = '(gcp:[^']+)'/.exec(
              fs.readFileSync(path.join(root, d.name, f), "utf8"),
            );
            return m ? [m[1]] : [];
          }),
      );
  };

  test("every *IamPolicy type of the provider is recognised and has the binding type its bindings are judged as", () => {
    const types = new Set(gcpTypes());
    const policies = [...types].filter((t) => /(IAM|Iam)Policy$/.test(t));
    expect(policies).toContain("gcp:serviceaccount/iAMPolicy:IAMPolicy");
    expect(policies).toContain("gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy");
    expect(policies.length).toBeGreaterThan(100);
    expect(policies.filter((t) => !isIamPolicyType(t))).toEqual([]);
    expect(policies.filter((t) => !types.has(bindingTypeOf(t)))).toEqual([]);
    expect([...types].filter((t) => isIamPolicyType(t) && !policies.includes(t))).toEqual([]);
  });

  // The analyzer's sentinel for a value unknown at preview (absent from @pulumi/policy's typings).
  const { unknownStringValue } = jest.requireActual<{ unknownStringValue: string }>("@pulumi/policy/proxy");

  test("a policyData unknown at preview reads as unknown (iam-policy-data-readable refuses it); an unreadable one is named; audit configs are counted", () => {
    expect(readPolicyData(unknownCheckingProxy({ policyData: unknownStringValue }))).toBe("unknown");
    expect(readPolicyData({ policyData: "not json" })).toEqual({
      unreadable: expect.stringMatching(/^policyData is not JSON/),
    });
    expect(readPolicyData({ policyData: '{"bindings":[{"role":"roles/owner"}]}' })).toEqual({
      unreadable: "policyData's binding 0 has no role string and members list of strings",
    });
    expect(readPolicyData({ policyData: "{}" })).toEqual({ bindings: [], auditConfigs: 0 });
    expect(readPolicyData({ policyData: `{"auditConfigs":[{"service":"allServices"}]}` })).toEqual({
      bindings: [],
      auditConfigs: 1,
    });
  });
});
