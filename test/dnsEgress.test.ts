import { CapturedResource } from "../engine/model";
import { violationsOf } from "../specs/mutate";
import { planStack } from "./helpers/plan";

/** Issue 29 items 6 and 7: what the resolver answers, and who reaches card-vault's endpoint. */
let prod: CapturedResource[];
beforeAll(async () => {
  prod = (await planStack("prod")).resources;
});

const rulesOf = (resources: CapturedResource[], policy: string) =>
  resources
    .filter(
      (r) => r.type === "gcp:dns/responsePolicyRule:ResponsePolicyRule" && r.inputs.responsePolicy === policy,
    )
    .map((r) => [r.inputs.dnsName, r.inputs.behavior ?? r.inputs.localData]);

describe("the DNS egress allowlist", () => {
  test("the cde VPC resolves its private zones and Google's internal names; everything else is answered locally", () => {
    expect(rulesOf(prod, "prod-cde-dns-egress")).toEqual([
      ...["googleapis.com", "pkg.dev", "gcr.io", "internal", "clusterset.local"].flatMap((s) => [
        [`${s}.`, "bypassResponsePolicy"],
        [`*.${s}.`, "bypassResponsePolicy"],
      ]),
      ["*.", { localDatas: [{ name: "*.", type: "A", ttl: 300, rrdatas: ["0.0.0.0"] }] }],
    ]);
    const policy = prod.find((r) => r.name === "prod-cde-dns-egress-policy");
    expect(policy?.inputs.networks).toEqual([
      { networkUrl: "projects/qp-prod-cde/global/networks/prod-cde" },
    ]);
  });

  test("the platform's FQDN allowlist resolves there, exactly, and only there", async () => {
    const withHost = (await planStack("prod", { egressFqdnAllowlist: ["events.pagerduty.com"] })).resources;
    expect(rulesOf(withHost, "prod-platform-dns-egress")).toContainEqual([
      "events.pagerduty.com.",
      "bypassResponsePolicy",
    ]);
    expect(rulesOf(withHost, "prod-cde-dns-egress")).not.toContainEqual([
      "events.pagerduty.com.",
      "bypassResponsePolicy",
    ]);
    expect(await violationsOf(withHost, "dns-response-policy-allowlist")).toEqual([]);
  });
});

describe("the default namespace", () => {
  test("denies all traffic in every cluster", () => {
    const denies = prod.filter(
      (r) =>
        r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" &&
        (r.inputs.metadata as { namespace?: string }).namespace === "default",
    );
    expect(denies.map((r) => r.name).sort()).toEqual(
      [
        "prod-baseline-us-central1",
        "prod-baseline-us-east1",
        "prod-cde-baseline-us-central1",
        "prod-cde-baseline-us-east1",
      ].map((b) => `${b}-default-ns-default-deny`),
    );
    for (const d of denies)
      expect(d.inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });
});
