import {
  alertDocumentation,
  logAlertPolicyArgs,
  replicaLagAlertArgs,
  SecurityAlerts,
  SecurityAlertsArgs,
} from "../components/securityAlerts";
import { CapturedResource } from "../engine/model";
import { registerAlone, registeredAs } from "./helpers/component";

/*
 * SecurityAlerts alone, with the least arguments (awsx vpc.test.ts style): registered under the
 * engine's mocks with the harness's capturing monitor, every registration asserted by type, name,
 * parent and the inputs that carry its controls.
 */
const LABELS = { env: "test", "data-class": "none", owner: "platform" } as SecurityAlertsArgs["labels"];
const ARGS: SecurityAlertsArgs = {
  project: "qp-test-logging",
  logAlerts: [
    {
      id: "iam-change",
      description: "An IAM policy changed",
      filter: 'protoPayload.methodName="SetIamPolicy"',
    },
  ],
  emails: ["On-Call@qairopay.example"],
  runbook: "https://runbooks.example/alerts",
  labels: LABELS,
};

async function register(args: SecurityAlertsArgs): Promise<CapturedResource[]> {
  return registerAlone(() => new SecurityAlerts("alerts", args));
}

describe("SecurityAlerts with one e-mail and one security event", () => {
  let resources: CapturedResource[];
  const named = (name: string) => registeredAs(resources, name);
  beforeAll(async () => {
    resources = await register(ARGS);
  });

  test("registers the channel, the metric, one wait for it and the alert policy, all children of the component", () => {
    const byName = (a: string[], b: string[]) => a[1].localeCompare(b[1]);
    expect(resources.map((r) => [r.type, r.name]).sort(byName)).toEqual(
      [
        ["qairopay:monitoring:SecurityAlerts", "alerts"],
        ["gcp:monitoring/notificationChannel:NotificationChannel", "alerts-email-on-call-qairopay-example"],
        ["gcp:logging/metric:Metric", "alerts-iam-change"],
        ["time:index/sleep:Sleep", "alerts-metrics-propagated"],
        ["gcp:monitoring/alertPolicy:AlertPolicy", "alerts-iam-change-alert"],
      ].sort(byName),
    );
    const component = named("alerts").urn;
    for (const r of resources.slice(1)) expect([r.name, r.parent]).toEqual([r.name, component]);
  });

  test("the policy waits for the metric to propagate and pages the channel on any entry", () => {
    const policy = named("alerts-iam-change-alert");
    expect(policy.dependencies).toContain(named("alerts-metrics-propagated").urn);
    expect(named("alerts-metrics-propagated").inputs).toMatchObject({
      createDuration: "600s",
      triggers: { metrics: "iam-change" },
    });
    expect(policy.inputs).toMatchObject({
      severity: "CRITICAL",
      conditions: [
        { conditionThreshold: { comparison: "COMPARISON_GT", thresholdValue: 0, duration: "0s" } },
      ],
      documentation: { content: "An IAM policy changed\n\nRunbook: https://runbooks.example/alerts" },
    });
    expect((policy.inputs.notificationChannels as unknown[]).length).toBe(1);
  });

  test("no PagerDuty channel without a key, no replica-lag or export alerts unless asked", () => {
    expect(resources.some((r) => r.name.includes("pagerduty"))).toBe(false);
    expect(resources.filter((r) => r.type === "gcp:monitoring/alertPolicy:AlertPolicy")).toHaveLength(1);
  });
});

describe("SecurityAlerts' arguments", () => {
  test("an event with its own runbook links it; others link the common one", () => {
    const own = logAlertPolicyArgs(
      ARGS,
      { ...ARGS.logAlerts[0], runbook: "docs/privileged-access.md" },
      "m",
      [],
    );
    expect(own.documentation).toEqual(
      alertDocumentation("An IAM policy changed", "docs/privileged-access.md"),
    );
    expect(logAlertPolicyArgs(ARGS, ARGS.logAlerts[0], "m", []).documentation).toEqual({
      content: "An IAM policy changed\n\nRunbook: https://runbooks.example/alerts",
      mimeType: "text/markdown",
    });
  });

  test("replica lag pages above its threshold, held for five minutes", () => {
    const lag = replicaLagAlertArgs(
      ARGS,
      { id: "ledger", databaseIds: ["p:ledger-dr"], thresholdSeconds: 30 },
      [],
    );
    expect(lag).toMatchObject({
      severity: "ERROR",
      conditions: [
        { conditionThreshold: { thresholdValue: 30, duration: "300s", comparison: "COMPARISON_GT" } },
      ],
    });
  });
});
