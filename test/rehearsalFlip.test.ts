import * as fc from "fast-check";
import { isRfc1918 } from "../components/lib/addressPlan";
import { controlPlaneNetworks } from "../components/gkeCluster";
import { FlipInputError, parseFlips } from "../engine/flip/configFlip";
import { rehearseFlip } from "../engine/flip/rehearseFlip";
import { CapturedResource } from "../engine/model";
import { rehearseApply } from "../engine/rehearsal/rehearse";
import { gkePrivateEndpointNetworks } from "../engine/rehearsal/rules/gkePrivateEndpointNetworks";
import { orgPolicyEnforcedDenies } from "../engine/rehearsal/rules/orgPolicyEnforcedDenies";
import { perimeterCiReachable } from "../engine/rehearsal/rules/perimeterCiReachable";
import { loadStack } from "../engine/stackFile";
import { editResource } from "../specs/mutate";
import { planStack } from "./helpers/plan";
import { runInProcess } from "./helpers/cli";
import { command as rehearse } from "../tools/rehearse";

/** Prod's findings before any flip: its adopted projects' default compute accounts, an external prerequisite. */
const PROD_PREREQUISITES = [
  ["default-compute-account-deprivileged", "warning"],
  ["default-compute-account-deprivileged", "warning"],
];
const ruleAndSeverity = (findings: { rule: string; severity: string }[]) =>
  findings.map((f) => [f.rule, f.severity]);

const DEPLOYER = "serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com";
const PLAN = "serviceAccount:prod-plan@qp-platform-ci.iam.gserviceaccount.com";

let enforced: CapturedResource[];
let orgEnforced: CapturedResource[];
beforeAll(async () => {
  enforced = (await planStack("prod", { perimeterEnforced: true })).resources;
  orgEnforced = (await planStack("prod", { orgPolicyEnforced: true })).resources;
});

const by = (rule: { id: string }, resources: CapturedResource[], existing = new Set<string>()) =>
  rehearseApply(resources, {}, [rule as never], existing).map((f) => [f.severity, f.message]);

const CLUSTERS = [
  "prod-gke-us-central1-cluster",
  "prod-gke-us-east1-cluster",
  "prod-cde-gke-us-central1-cluster",
  "prod-cde-gke-us-east1-cluster",
];

describe("controlPlaneNetworks and isRfc1918 (components)", () => {
  test("RFC 1918 is three blocks, each wholly inside", () => {
    expect(
      [
        "10.0.0.0/8",
        "10.64.0.0/12",
        "172.16.0.0/12",
        "172.32.0.0/16",
        "192.168.4.0/24",
        "10.0.0.0/7",
        "203.0.113.0/28",
        "nonsense",
      ].map(isRfc1918),
    ).toEqual([true, true, true, false, true, false, false, false]);
  });

  test("a private endpoint keeps exactly the RFC 1918 networks, a public one keeps all, the cluster's own first", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const network = fc
      .tuple(octet, octet, fc.integer({ min: 8, max: 30 }))
      .map(([a, b, prefix]) => ({ name: `n${a}-${b}`, cidr: `${a}.${b}.0.0/${prefix}` }));
    fc.assert(
      fc.property(
        fc.array(network, { maxLength: 6 }),
        fc.array(network, { maxLength: 3 }),
        (operators, own) => {
          const all = [...own, ...operators].map((n) => n.cidr);
          const privateOnes = controlPlaneNetworks(operators, own, true).map((b) => b.cidrBlock);
          expect(privateOnes).toEqual(all.filter(isRfc1918));
          expect(controlPlaneNetworks(operators, own, false).map((b) => b.cidrBlock)).toEqual(all);
        },
      ),
    );
  });
});

describe("gke-private-endpoint-networks (issue #21: enforcing the perimeter failed on every cluster)", () => {
  test("the enforced plan: private endpoints with the clusters' own RFC 1918 ranges only", () => {
    expect(by(gkePrivateEndpointNetworks, enforced)).toEqual([]);
  });

  test("the operators' public networks kept on a private endpoint, as before the change: every cluster refused", () => {
    const withPublic = CLUSTERS.reduce(
      (rs, name) =>
        editResource(name, (p) => {
          (p.masterAuthorizedNetworksConfig as { cidrBlocks: unknown[] }).cidrBlocks.push(
            { displayName: "ops-vpn", cidrBlock: "203.0.113.0/28" },
            { displayName: "ci-runners", cidrBlock: "198.51.100.32/27" },
          );
        })(rs),
      enforced,
    );
    const found = by(gkePrivateEndpointNetworks, withPublic);
    expect(found).toHaveLength(4);
    expect(found.find(([, message]) => message.startsWith("prod-cde-gke-us-east1-cluster "))).toEqual([
      "error",
      'prod-cde-gke-us-east1-cluster (gcp:container/cluster:Cluster): the control plane of prod-cde-us-east1 has a private endpoint and authorized networks outside RFC 1918 (ops-vpn=203.0.113.0/28, ci-runners=198.51.100.32/27): GKE refuses it ("network … is not a reserved network, which is required for private endpoints"). Reach a private control plane through its DNS endpoint from the perimeter\'s access level, and keep only RFC 1918 ranges here (components/gkeCluster.ts controlPlaneNetworks).',
    ]);
  });

  test("a range that merely starts inside RFC 1918 (10.0.0.0/7) is outside it", () => {
    const wide = editResource("prod-gke-us-east1-cluster", (p) => {
      (p.masterAuthorizedNetworksConfig as { cidrBlocks: unknown[] }).cidrBlocks.push({
        displayName: "wide",
        cidrBlock: "10.0.0.0/7",
      });
    })(enforced);
    expect(by(gkePrivateEndpointNetworks, wide).map(([, m]) => m.split(":")[0])).toEqual([
      "prod-gke-us-east1-cluster (gcp",
    ]);
  });

  test("authorized networks dropped from a private endpoint", () => {
    const dropped = editResource("prod-gke-us-east1-cluster", (p) => {
      delete p.masterAuthorizedNetworksConfig;
    })(enforced);
    expect(by(gkePrivateEndpointNetworks, dropped)).toEqual([
      [
        "error",
        'prod-gke-us-east1-cluster (gcp:container/cluster:Cluster): the control plane of prod-us-east1 has a private endpoint and no authorized networks: GKE refuses it ("Master authorized networks must be enabled if private endpoint is enabled"). Keep masterAuthorizedNetworksConfig with the cluster\'s own RFC 1918 ranges.',
      ],
    ]);
  });

  test("a public endpoint may list public networks (dry-run)", async () => {
    const prod = (await planStack("prod")).resources;
    expect(by(gkePrivateEndpointNetworks, prod)).toEqual([]);
  });
});

const OPERATORS = [
  "group:sre-oncall@qairopay.com",
  "group:security-leads@qairopay.com",
  "group:backup-operators@qairopay.com",
  "group:break-glass@qairopay.com",
  "group:audit-readers@qairopay.com",
];

describe("perimeter-ci-reachable", () => {
  const perimeterEdit = (edit: (status: Record<string, unknown>) => void) =>
    editResource("prod-perimeter-perimeter", (p) => edit(p.status as Record<string, unknown>));
  const facts = { deployer: DEPLOYER, previewer: PLAN };
  const findings = (resources: CapturedResource[]) =>
    rehearseApply(resources, facts, [perimeterCiReachable]).map((f) => [f.severity, f.message]);

  test("the enforced perimeter lets the deployer and the CI preview identity in", () => {
    expect(findings(enforced)).toEqual([]);
  });

  test("no access level and no ingress rule: both locked out by the enforcement they deploy, and the operators with them", () => {
    const locked = perimeterEdit((s) => {
      s.accessLevels = [];
      s.ingressPolicies = [];
    })(enforced);
    expect(findings(locked).slice(0, 2)).toEqual([
      [
        "error",
        `prod-perimeter-perimeter (gcp:accesscontextmanager/servicePerimeter:ServicePerimeter): is enforced and the deployer ${DEPLOYER} reaches it by no access level of the perimeter and no ingress rule that names it from an access level of the plan to every service: the next \`pulumi up\` is refused (VPC Service Controls), and the perimeter that would let it back in is the one refusing it. Admit it from the operators' access level (components/servicePerimeter.ts).`,
      ],
      [
        "error",
        `prod-perimeter-perimeter (gcp:accesscontextmanager/servicePerimeter:ServicePerimeter): is enforced and the CI preview identity ${PLAN} reaches it by no access level of the perimeter and no ingress rule that names it from an access level of the plan to every service: the next \`pulumi preview\` is refused (VPC Service Controls), and the perimeter that would let it back in is the one refusing it. Admit it from the operators' access level (components/servicePerimeter.ts).`,
      ],
    ]);
    expect(
      findings(locked)
        .slice(2)
        .map(([, m]) => m.split(" reaches ")[0].split(" the operator ")[1]),
    ).toEqual(OPERATORS);
  });

  test("the operators' ingress rule removed: the people who request, approve and restore are shut out, CI is not", () => {
    const withoutOperators = perimeterEdit((s) => {
      const rules = s.ingressPolicies as { title?: string }[];
      s.ingressPolicies = rules.filter((r) => r.title !== "Operators from the operators' networks");
    })(enforced);
    expect(findings(withoutOperators)).toEqual(
      OPERATORS.map((m) => [
        "error",
        `prod-perimeter-perimeter (gcp:accesscontextmanager/servicePerimeter:ServicePerimeter): is enforced and the operator ${m} reaches it by no access level of the perimeter and no ingress rule that names it from an access level of the plan to every service: its members can no longer request, approve or use privileged access, restore backups or read the audit trail (VPC Service Controls). Admit it from the operators' access level (components/servicePerimeter.ts).`,
      ]),
    );
  });

  test("an ingress rule from an access level the plan does not define, or to one service only, lets nobody in", () => {
    const misnamed = perimeterEdit((s) => {
      s.accessLevels = [];
      const rule = (s.ingressPolicies as { ingressFrom: { sources: { accessLevel: string }[] } }[])[0];
      rule.ingressFrom.sources = [{ accessLevel: "accessPolicies/847362519014/accessLevels/typo" }];
    })(enforced);
    const narrow = perimeterEdit((s) => {
      s.accessLevels = [];
      const rule = (s.ingressPolicies as { ingressTo: { operations: unknown[] } }[])[0];
      rule.ingressTo.operations = [{ serviceName: "storage.googleapis.com" }];
    })(enforced);
    expect(findings(misnamed).map(([s]) => s)).toEqual(["error", "error"]);
    expect(findings(narrow).map(([s]) => s)).toEqual(["error", "error"]);
  });

  test("an access level on the perimeter itself would admit them all (any caller from its networks; policy vpcsc-perimeter-ingress-named-sources refuses it)", () => {
    const levelOnly = perimeterEdit((s) => {
      s.accessLevels = ["accessPolicies/847362519014/accessLevels/prod_qairopay_operators"];
      s.ingressPolicies = [];
    })(enforced);
    expect(findings(levelOnly)).toEqual([]);
  });

  test("a dry-run perimeter is not judged; an unknown deployer is a warning", async () => {
    const prod = (await planStack("prod")).resources;
    const locked = editResource("prod-perimeter-perimeter", (p) => {
      (p.spec as Record<string, unknown>).ingressPolicies = [];
      (p.spec as Record<string, unknown>).accessLevels = [];
    })(prod);
    expect(findings(locked)).toEqual([]);
    const unknown = rehearseApply(
      enforced.filter((r) => r.type !== "pulumi:pulumi:Stack"),
      {},
      [perimeterCiReachable],
    );
    expect(unknown.map((f) => f.severity)).toEqual(["warning"]);
  });
});

describe("org-policy-enforced-denies", () => {
  const LEDGER = "prod-ledger-us-east1";
  const everything = () => new Set(orgEnforced.map((r) => r.urn));

  test("prod with its constraints enforced: nothing refused", () => {
    expect(by(orgPolicyEnforcedDenies, orgEnforced)).toEqual([]);
  });

  test("an update that opens unencrypted connections is refused by a constraint that judges updates", () => {
    const unencrypted = editResource(LEDGER, (p) => {
      const ip = (p.settings as { ipConfiguration: Record<string, unknown> }).ipConfiguration;
      ip.sslMode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED";
    })(orgEnforced);
    const found = by(orgPolicyEnforcedDenies, unencrypted, everything());
    expect(found).toHaveLength(1);
    expect(found[0][1]).toContain(
      `"${LEDGER}" (sqladmin.googleapis.com/Instance): Google would refuse it: it matches the DENY condition (constraint enforced).`,
    );
    expect(found[0][1]).toContain("is enforced: the create or update is refused at apply time");
  });

  test("a CREATE-only constraint refuses a new instance without CMEK, not an existing one", () => {
    const noKey = editResource(LEDGER, (p) => {
      delete p.encryptionKeyName;
    })(orgEnforced);
    expect(by(orgPolicyEnforcedDenies, noKey).map(([s]) => s)).toContain("error");
    expect(by(orgPolicyEnforcedDenies, noKey, everything())).toEqual([]);
  });

  test("in dry-run the same resource is not an apply error", async () => {
    const prod = (await planStack("prod")).resources;
    const unencrypted = editResource(LEDGER, (p) => {
      (p.settings as { ipConfiguration: Record<string, unknown> }).ipConfiguration.sslMode =
        "ALLOW_UNENCRYPTED_AND_ENCRYPTED";
    })(prod);
    expect(by(orgPolicyEnforcedDenies, unencrypted)).toEqual([]);
  });
});

describe("--flip: a configuration change rehearsed like a failover (issue #21)", () => {
  const prod = () => loadStack("prod");

  test.each([
    [
      ["nope=1"],
      "--flip nope=1: nope is not a configuration key of qairopay-platform (Pulumi.yaml lists them)",
    ],
    [["perimeterEnforced"], "--flip perimeterEnforced: give KEY=VALUE, e.g. perimeterEnforced=true"],
    [
      ["perimeterEnforced=yes"],
      "--flip perimeterEnforced=yes: perimeterEnforced is a boolean, give true or false",
    ],
    [["maintenanceHour=three"], "--flip maintenanceHour=three: maintenanceHour is an integer"],
    [["orgPolicyEnforced=false"], "--flip orgPolicyEnforced=false: stack prod already has it"],
    [
      ["pagerDutyServiceKey=x"],
      "--flip pagerDutyServiceKey: a secret is not flipped on the command line; edit the stack file",
    ],
    [
      ["perimeterEnforced=true", "qairopay-platform:perimeterEnforced=true"],
      "--flip perimeterEnforced: given twice",
    ],
    [["egressFqdnAllowlist=[1]"], "--flip egressFqdnAllowlist=[1]: egressFqdnAllowlist is a list of strings"],
  ])("refused before anything is planned: %j", (args, message) => {
    expect(() => parseFlips(args, prod())).toThrow(new FlipInputError(message));
  });

  test("values are passed as the CLI passes them; a default counts as the current value", () => {
    expect(
      parseFlips(
        [
          "perimeterEnforced=true",
          "egressFqdnAllowlist=events.pagerduty.com, api.example.com",
          "drainedRegion=us-east1",
        ],
        prod(),
      ),
    ).toEqual([
      { key: "perimeterEnforced", from: "false", to: "true" },
      { key: "egressFqdnAllowlist", from: "[]", to: '["events.pagerduty.com","api.example.com"]' },
      { key: "drainedRegion", from: "", to: "us-east1" },
    ]);
  });

  test("perimeterEnforced=true on prod: the clusters and the perimeter change in place, nothing is refused", async () => {
    const flip = await rehearseFlip(prod(), parseFlips(["perimeterEnforced=true"], prod()));
    expect(ruleAndSeverity(flip.findings)).toEqual(PROD_PREREQUISITES);
    expect(
      flip.changes
        .filter((c) => c.op !== "same")
        .map((c) => [c.op, c.urn.split("::").pop(), c.fields])
        .sort(),
    ).toEqual([
      ...[...CLUSTERS]
        .sort()
        .map((name) => [
          "update",
          name,
          [
            "controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic",
            "masterAuthorizedNetworksConfig.cidrBlocks",
            "privateClusterConfig.enablePrivateEndpoint",
          ],
        ]),
      ["update", "prod-perimeter-perimeter", ["spec", "status", "useExplicitDryRunSpec"]],
    ]);
  });

  test("orgPolicyEnforced=true on prod: only the org policies change, and no resource is refused", async () => {
    const flip = await rehearseFlip(prod(), parseFlips(["orgPolicyEnforced=true"], prod()));
    expect(ruleAndSeverity(flip.findings)).toEqual(PROD_PREREQUISITES);
    const changed = flip.changes.filter((c) => c.op !== "same");
    expect(changed.length).toBeGreaterThan(0);
    expect(new Set(changed.map((c) => `${c.op} ${c.type}`))).toEqual(
      new Set(["update gcp:orgpolicy/policy:Policy"]),
    );
  });

  test("a flip that replaces what holds data is refused by the guard", async () => {
    const flip = await rehearseFlip(prod(), parseFlips(["addressSpace=10.96.0.0/12"], prod()));
    expect(flip.findings.filter((f) => f.severity === "error").map((f) => f.rule)).toContain(
      "stateful-replace",
    );
  });
});

describe("npm run rehearse -- --flip", () => {
  // The command function in-process (test/cli.test.ts and test/exitCodes.test.ts run rehearse as a process).
  const run = (args: string[]) => runInProcess(rehearse, args);

  test("--stack prod --flip perimeterEnforced=true and --flip orgPolicyEnforced=true are clean (exit 0)", async () => {
    const [perimeter, orgPolicy] = await Promise.all([
      run(["--stack", "prod", "--flip", "perimeterEnforced=true", "--json"]),
      run(["--stack", "prod", "--flip", "orgPolicyEnforced=true"]),
    ]);
    expect(perimeter.code).toBe(0);
    const out = JSON.parse(perimeter.stdout);
    expect(Object.keys(out)).toEqual(["flips", "findings", "changes"]);
    expect(out.flips).toEqual([{ key: "qairopay-platform:perimeterEnforced", from: "false", to: "true" }]);
    expect(ruleAndSeverity(out.findings)).toEqual(PROD_PREREQUISITES);
    expect(orgPolicy.code).toBe(0);
    expect(orgPolicy.stdout).toContain('Rehearsed the flip of stack "prod": orgPolicyEnforced: false → true');
    expect(orgPolicy.stdout).toContain(
      "Guard and apply rehearsal of the flipped stack: 0 errors, 2 warnings",
    );
  });

  test("bad input exits 2 with a message: a value the program refuses, a flip of an export", async () => {
    const [refused, onState] = await Promise.all([
      run(["--stack", "prod", "--flip", "primaryRegion=europe-west1"]),
      run(["--state", "prod.json", "--flip", "perimeterEnforced=true"]),
    ]);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      'error: the flipped configuration is refused by the program:\nThe stack configuration has 1 problem:\n  - qairopay-platform:primaryRegion = "europe-west1": must be one of us-central1, us-east1\n',
    ]);
    expect([onState.code, onState.stderr]).toEqual([
      2,
      "error: --flip goes with --stack: it plans the stack with the value changed\n",
    ]);
  });
});
