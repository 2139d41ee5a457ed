import { CapturedResource } from "../engine/model";
import { previewAgainst } from "../engine/preview/preview";
import { prerequisitesOf } from "../engine/rehearsal/facts/prerequisites";
import { rehearseApply } from "../engine/rehearsal/rehearse";
import { gatherStackFacts } from "../engine/rehearsal/stackFacts";
import { addResource, editResource, urnOf } from "../specs/mutate";
import { planStack } from "./helpers/plan";

let prod: CapturedResource[];
let staging: CapturedResource[];
beforeAll(async () => {
  prod = (await planStack("prod")).resources;
  staging = (await planStack("staging")).resources;
});

const urn = urnOf;
const findings = (resources: CapturedResource[], rule: string) =>
  rehearseApply(resources).filter((f) => f.rule === rule);
/** The stack's outputs edited, as an export of an older or different stack would carry them. */
const withOutputs = (edit: (outputs: Record<string, unknown>) => void) => (resources: CapturedResource[]) =>
  resources.map((r) => {
    if (r.type !== "pulumi:pulumi:Stack") return r;
    const outputs = JSON.parse(JSON.stringify(r.outputs)) as Record<string, unknown>;
    edit(outputs);
    return { ...r, outputs };
  });
type Prerequisites = { securityCommandCenter?: Record<string, unknown>; privilegedAccessManager?: unknown };
const prerequisites = (o: Record<string, unknown>) => o.externalPrerequisites as Prerequisites;

describe("external prerequisites (DET-01, IAM-07)", () => {
  test("each stack declares Security Command Center and PAM, and the rehearsal lists how to confirm them", () => {
    expect(prerequisitesOf(gatherStackFacts(prod).prerequisites)).toEqual([
      {
        id: "scc-activation",
        what: "Security Command Center ENTERPRISE is activated for organisation 418726350912, with Security Health Analytics, Event Threat Detection and Container Threat Detection enabled (DET-01)",
        verify: [
          "gcloud scc manage services describe security-health-analytics --organization=418726350912",
          "gcloud scc manage services describe event-threat-detection --organization=418726350912",
          "gcloud scc manage services describe container-threat-detection --organization=418726350912",
        ].join(" && "),
      },
      {
        id: "pam-onboarding",
        what: "Privileged Access Manager is onboarded in organisation 418726350912: its service agent service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com exists",
        verify: "gcloud pam check-onboarding-status --project=<project> --location=global",
      },
    ]);
  });

  test("custom modules and notification configs in an export that declares no Security Command Center", () => {
    const mutated = withOutputs((o) => delete prerequisites(o).securityCommandCenter)(prod);
    expect(findings(mutated, "external-prerequisites").map((f) => [f.urn, f.message])).toEqual([
      [
        urn(prod, "prod-health-modules-platform-qairopay_sql_instance_cmek"),
        expect.stringMatching(
          /needs Security Command Center activated by the organisation, which the stack does not declare/,
        ),
      ],
      [urn(prod, "prod-findings-platform"), expect.stringMatching(/needs Security Command Center activated/)],
    ]);
  });

  test("custom modules under the Standard tier, which does not run them", () => {
    const mutated = withOutputs((o) => (prerequisites(o).securityCommandCenter!.tier = "STANDARD"))(staging);
    expect(findings(mutated, "external-prerequisites").map((f) => f.message)).toEqual([
      expect.stringMatching(
        /is a Security Health Analytics custom module, which the STANDARD tier the stack declares does not run/,
      ),
    ]);
  });

  test("entitlements without PAM onboarded, and PAM's role granted to another organisation's agent", () => {
    const undeclared = withOutputs((o) => delete prerequisites(o).privilegedAccessManager)(prod);
    // Reported once, on the first entitlement the program registers.
    expect(findings(undeclared, "external-prerequisites").map((f) => f.urn)).toEqual([
      urn(prod, "prod-kms-access-key-operator"),
    ]);
    const stranger = editResource(
      "prod-cde-access-pam-agent",
      (p) => (p.member = "serviceAccount:service-org-111111111111@gcp-sa-pam.iam.gserviceaccount.com"),
    )(prod);
    expect(findings(stranger, "external-prerequisites")).toEqual([
      expect.objectContaining({
        urn: urn(prod, "prod-cde-access-pam-agent"),
        message: expect.stringMatching(
          /not the agent of organisation 418726350912 that the stack declares onboarded/,
        ),
      }),
    ]);
  });
});

describe("scc-notification-agent-grant", () => {
  test("the publisher grant ordered before any notification config: the agent does not exist yet", () => {
    const grant = "prod-findings-publisher-shared";
    const mutated = editResource(grant, (_p, r) => {
      r.dependencies = [];
      r.propertyDependencies = {};
    })(prod);
    expect(findings(mutated, "scc-notification-agent-grant")).toEqual([
      expect.objectContaining({
        urn: urn(prod, grant),
        severity: "error",
        message: expect.stringMatching(
          /exists only once a notification config is created, and nothing orders a config first/,
        ),
      }),
    ]);
  });
});

describe("privileged-access-agent-allowed", () => {
  test("a deny policy of the cde that denies setIamPolicy to all makes every grant there fail", () => {
    const mutated = addResource({
      type: "gcp:iam/denyPolicy:DenyPolicy",
      name: "cde-deny",
      inputs: {
        parent: encodeURIComponent("cloudresourcemanager.googleapis.com/projects/qp-prod-cde"),
        name: "protect-cde-iam",
        rules: [
          {
            denyRule: {
              deniedPrincipals: ["principalSet://goog/public:all"],
              exceptionPrincipals: [
                "principal://iam.googleapis.com/projects/-/serviceAccounts/prod-deployer@qp-platform-ci.iam.gserviceaccount.com",
              ],
              deniedPermissions: ["cloudresourcemanager.googleapis.com/projects.setIamPolicy"],
            },
          },
        ],
      },
    })(prod);
    expect(findings(mutated, "privileged-access-agent-allowed")).toEqual([
      expect.objectContaining({
        severity: "error",
        message: expect.stringMatching(
          /denies cloudresourcemanager\.googleapis\.com\/projects\.setIamPolicy in qp-prod-cde to Privileged Access Manager's agent/,
        ),
      }),
    ]);
    // Excepting the agent is enough.
    const excepted = editResource("cde-deny", (p) => {
      const rule = (p.rules as { denyRule: { exceptionPrincipals: string[] } }[])[0].denyRule;
      rule.exceptionPrincipals.push(
        "principal://iam.googleapis.com/projects/-/serviceAccounts/service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com",
      );
    })(mutated);
    expect(findings(excepted, "privileged-access-agent-allowed")).toEqual([]);
  });

  const PAM_AGENT =
    "principal://iam.googleapis.com/projects/-/serviceAccounts/service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com";
  const withoutPamException = (name: string) =>
    editResource(name, (p) => {
      for (const { denyRule } of p.rules as { denyRule: { exceptionPrincipals: string[] } }[])
        denyRule.exceptionPrincipals = denyRule.exceptionPrincipals.filter((x) => x !== PAM_AGENT);
    });

  test("the audit-trail guard excepts PAM's agent from setIamPolicy in every project with entitlements", () => {
    expect(findings(prod, "privileged-access-agent-allowed")).toEqual([]);
    expect(findings(staging, "privileged-access-agent-allowed")).toEqual([]);
    // Without the exception (ws/harden's first version), every entitlement's grant would fail.
    const mutated = ["platform", "cde", "kms"].reduce(
      (r, p) => withoutPamException(`prod-audit-trail-guard-${p}`)(r),
      prod,
    );
    expect(findings(mutated, "privileged-access-agent-allowed").map((f) => f.urn)).toEqual(
      ["platform", "cde", "kms"].map((p) => urn(prod, `prod-audit-trail-guard-${p}`)),
    );
  });

  test("a folder's deny policy covers the projects in it (staging's audit-trail guard)", () => {
    const found = findings(
      withoutPamException("staging-audit-trail-guard-folder")(staging),
      "privileged-access-agent-allowed",
    );
    expect(found.map((f) => f.urn)).toEqual([urn(staging, "staging-audit-trail-guard-folder")]);
    expect(found[0].message).toMatch(
      /denies cloudresourcemanager\.googleapis\.com\/projects\.setIamPolicy in qp-stg-(kms|platform|cde)-[a-z0-9]+, qp-stg-/,
    );
  });
});

describe("entitlement-roles-usable", () => {
  /** An entitlement of the cde as the stack writes one, granting `roles`. */
  const entitlementOf = (id: string, roles: string[]) =>
    addResource({
      type: "gcp:privilegedaccessmanager/entitlement:entitlement",
      name: `prod-cde-access-${id}`,
      inputs: {
        parent: "projects/qp-prod-cde",
        location: "global",
        entitlementId: id,
        eligibleUsers: [{ principals: ["group:sre-oncall@qairopay.com"] }],
        privilegedAccess: {
          gcpIamAccess: {
            resourceType: "cloudresourcemanager.googleapis.com/Project",
            resource: "//cloudresourcemanager.googleapis.com/projects/qp-prod-cde",
            roleBindings: roles.map((role) => ({ role })),
          },
        },
      },
    });

  test("every entitlement of prod and staging keeps a usable write", () => {
    expect(findings(prod, "entitlement-roles-usable")).toEqual([]);
    expect(findings(staging, "entitlement-roles-usable")).toEqual([]);
  });

  test("an IAM administrator's entitlement, whose only write the audit-trail deny refuses", () => {
    const mutated = entitlementOf("iam-admin", ["roles/resourcemanager.projectIamAdmin"])(prod);
    expect(findings(mutated, "entitlement-roles-usable")).toEqual([
      expect.objectContaining({
        severity: "error",
        urn: urn(mutated, "prod-cde-access-iam-admin"),
        message: expect.stringContaining(
          "grants roles/resourcemanager.projectIamAdmin, but the deny policies of its project refuse every write of it (resourcemanager.projects.setIamPolicy) to its requesters",
        ),
      }),
    ]);
    // Excepting the requesters from the rule would make it usable (and is what logging-audit-trail-deny refuses).
    const excepted = editResource("prod-audit-trail-guard-cde", (p) => {
      for (const { denyRule } of p.rules as { denyRule: { exceptionPrincipals: string[] } }[])
        denyRule.exceptionPrincipals.push("principalSet://goog/group/sre-oncall@qairopay.com");
    })(mutated);
    expect(findings(excepted, "entitlement-roles-usable")).toEqual([]);
  });

  test("a key operator narrowed to disabling versions, which the KMS project's deny refuses", () => {
    const mutated = editResource(
      "prod-kms-access-qairopayKeyOperator",
      (p) => (p.permissions = ["cloudkms.cryptoKeyVersions.get", "cloudkms.cryptoKeyVersions.update"]),
    )(prod);
    expect(findings(mutated, "entitlement-roles-usable")).toEqual([
      expect.objectContaining({
        severity: "error",
        urn: urn(mutated, "prod-kms-access-key-operator"),
        message: expect.stringContaining("(cloudkms.cryptoKeyVersions.update)"),
      }),
    ]);
  });

  test("a role the rehearsal knows nothing of is reported, not passed", () => {
    const mutated = entitlementOf("dns-admin", ["roles/dns.admin"])(prod);
    expect(findings(mutated, "entitlement-roles-usable")).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringContaining(
          "grants roles/dns.admin, whose permissions the rehearsal does not know",
        ),
      }),
    ]);
  });
});

describe("perimeter-crossings of detection and backups", () => {
  const ingress = (p: Record<string, unknown>) =>
    (p.spec as { ingressPolicies: { title?: string; ingressFrom: { identities: string[] } }[] })
      .ingressPolicies;
  const withoutRule = (title: string) =>
    editResource("prod-perimeter-perimeter", (p) => {
      const rules = ingress(p);
      rules.splice(
        rules.findIndex((r) => r.title === title),
        1,
      );
    });

  test("Security Command Center's scanners not admitted: its detectors go blind once enforced", () => {
    const found = findings(withoutRule("Security Command Center detectors")(prod), "perimeter-crossings");
    expect(found.map((f) => f.message)).toEqual(
      ["security-center-api", "gcp-sa-ktd-hpsa", "gcp-sa-csc-hpsa"].map((d) =>
        expect.stringContaining(
          `does not admit serviceAccount:service-org-418726350912@${d}.iam.gserviceaccount.com, Security Command Center's scanner`,
        ),
      ),
    );
  });

  test("the notification agent not admitted: findings stop reaching the topic", () => {
    const found = findings(
      withoutRule("Security Command Center findings to the logging project's topic")(prod),
      "perimeter-crossings",
    );
    expect(found.map((f) => f.urn)).toEqual(
      ["platform", "cde", "kms", "logging"].map((role) => urn(prod, `prod-findings-${role}`)),
    );
  });

  const restricted = (p: Record<string, unknown>) =>
    (p.spec as { restrictedServices: string[] }).restrictedServices;
  const unrestrict = (...services: string[]) =>
    editResource("prod-perimeter-perimeter", (p) => {
      const spec = p.spec as { restrictedServices: string[] };
      spec.restrictedServices = restricted(p).filter((s) => !services.includes(s));
    });

  test("the exporters call from inside while the perimeter restricts Workflows; otherwise they would need admitting", () => {
    // Workflows restricted: the exports' calls stay inside, and no rule admits the user-managed exporters.
    expect(findings(prod, "perimeter-crossings")).toEqual([]);
    const found = findings(unrestrict("workflows.googleapis.com")(prod), "perimeter-crossings");
    expect(found.map((f) => f.urn)).toEqual([
      urn(prod, "prod-card-vault-backups-workflow"),
      urn(prod, "prod-ledger-backups-workflow"),
    ]);
    expect(found[1].message).toMatch(
      /calls the perimeter's APIs as serviceAccount:ledger-backup-export@qp-prod-platform/,
    );
  });

  test("PAM's agent: the perimeter restricts Resource Manager and PAM, so it is admitted; not admitted, every grant fails; admitted while neither is restricted, a hole", () => {
    const agent = "serviceAccount:service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com";
    expect(findings(prod, "perimeter-crossings")).toEqual([]);
    const notAdmitted = findings(
      withoutRule("Privileged Access Manager grants")(prod),
      "perimeter-crossings",
    );
    expect(notAdmitted.map((f) => [f.urn, f.message])).toEqual([
      [
        urn(prod, "prod-kms-access-key-operator"),
        expect.stringContaining(
          `is granted by Privileged Access Manager's agent ${agent}, which calls cloudresourcemanager.googleapis.com and privilegedaccessmanager.googleapis.com from outside the perimeter`,
        ),
      ],
    ]);
    const open = unrestrict("cloudresourcemanager.googleapis.com", "privilegedaccessmanager.googleapis.com");
    expect(findings(open(prod), "perimeter-crossings").map((f) => f.message)).toEqual([
      expect.stringContaining(`admits ${agent}, which no call of the plan needs`),
    ]);
  });

  test("project-level activation: each project's scanners, and no organisation agent", () => {
    const mutated = withOutputs((o) => (prerequisites(o).securityCommandCenter!.activation = "project"))(
      prod,
    );
    const messages = findings(mutated, "perimeter-crossings").map((f) => f.message);
    expect(
      messages.filter((m) => /does not admit serviceAccount:service-\d+@gcp-sa-securitycenter/.test(m)),
    ).toHaveLength(4);
    expect(
      messages.filter((m) => /admits serviceAccount:service-org-.*, which no call of the plan needs/.test(m)),
    ).toHaveLength(3);
  });
});

describe("locked retention (RES-10) in the preview against what is deployed", () => {
  const retention = (p: Record<string, unknown>) => p.retentionPolicy as Record<string, unknown>;
  const guard = (before: CapturedResource[], after: CapturedResource[]) =>
    previewAgainst(before, after).findings.filter((f) => f.rule === "locked-retention");

  test("a locked bucket's retention shortened, or its lock removed", () => {
    const shorter = editResource(
      "prod-ledger-backups-us-east1",
      (p) => (retention(p).retentionPeriod = "86400"),
    )(prod);
    expect(guard(prod, shorter)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /its retention is locked .* retentionPeriod would shrink, which Google refuses/,
        ),
      }),
    ]);
    const unlocked = editResource(
      "prod-ledger-backups-us-east1",
      (p) => (retention(p).isLocked = false),
    )(prod);
    expect(guard(prod, unlocked)[0].message).toMatch(/the lock would be removed/);
    const longer = editResource(
      "prod-ledger-backups-us-east1",
      (p) => (retention(p).retentionPeriod = "5184000"),
    )(prod);
    expect(guard(prod, longer)).toEqual([]);
  });

  test("a locked GKE backup plan's retention changed at all", () => {
    const changed = editResource(
      "prod-gke-backup-us-east1-plan",
      (p) => (retention(p).backupRetainDays = 60),
    )(prod);
    expect(guard(prod, changed)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/backupRetainDays would change, which Google refuses/),
      }),
    ]);
  });

  test("locking and changing the retention in one update is refused; locking what is deployed is not", () => {
    const unlocked = (resources: CapturedResource[]) =>
      editResource("prod-card-vault-backups-us-central1", (p) => (retention(p).isLocked = false))(resources);
    const deployed = editResource(
      "prod-card-vault-backups-us-central1",
      (p) => (retention(p).retentionPeriod = "86400"),
    )(unlocked(prod));
    expect(guard(deployed, prod)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/would be locked in the same update that changes retentionPeriod/),
      }),
    ]);
    expect(guard(unlocked(prod), prod)).toEqual([]);
  });
});
