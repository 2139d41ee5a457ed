import { PolicyResource } from "@pulumi/policy";
import { auditBuckets, platformProjects } from "../audit/audit";
import { Finding, stackPolicy } from "../lib/define";
import { NOTIFICATION_CONFIG, topicOf } from "../lib/detection";
import { projectNumberOf } from "../lib/perimeterAgents";
import {
  firesAboveZero,
  pagingAlertPolicies,
  silencedAlerts,
  soleOrAlternativeConditions,
} from "../lib/alerting";

/**
 * The findings that must reach on-call: active ones of high and critical severity, nothing narrowed
 * further. Accepted filters, spaces aside: empty (every finding), or severities joined by OR that
 * include HIGH and CRITICAL, optionally behind `state="ACTIVE" AND`. A mute, a category, a
 * negation or another field narrows it (https://cloud.google.com/security-command-center/docs/how-to-api-filter-notifications).
 */
export function findingsFilterProblem(filter: unknown): string | undefined {
  const text = String(filter ?? "")
    .replace(/\s+/g, " ")
    .trim();
  if (text === "") return undefined;
  const m = /^(?:state ?= ?"ACTIVE" AND )?\(?((?:severity ?= ?"[A-Z]+"(?: OR )?)+)\)?$/.exec(text);
  if (!m || / OR $/.test(m[1]))
    return `filter ${JSON.stringify(text)} narrows the findings by more than severity`;
  const severities = [...m[1].matchAll(/"([A-Z]+)"/g)].map((s) => s[1]);
  const missing = ["HIGH", "CRITICAL"].filter((s) => !severities.includes(s));
  return missing.length
    ? `filter ${JSON.stringify(text)} leaves out ${missing.join(" and ")} findings`
    : undefined;
}

const FILTER = 'state="ACTIVE" AND (severity="HIGH" OR severity="CRITICAL")';

/** Whether `member` holds roles/pubsub.publisher on the topic. */
function publishes(resources: PolicyResource[], topic: PolicyResource, member: string): boolean {
  const names = [
    String(topic.props.name),
    `projects/${String(topic.props.project)}/topics/${String(topic.props.name)}`,
  ];
  return resources.some(
    (g) =>
      g.type.startsWith("gcp:pubsub/topicIAM") &&
      g.props.role === "roles/pubsub.publisher" &&
      names.includes(String(g.props.topic)) &&
      (g.props.member === member || ((g.props.members as string[] | undefined) ?? []).includes(member)),
  );
}

interface PerimeterConfig {
  resources?: string[];
  ingressPolicies?: {
    ingressFrom?: { identities?: string[] };
    ingressTo?: { operations?: { serviceName?: string }[]; resources?: string[] };
  }[];
}

/**
 * The perimeters that would refuse the notification agent's publishes to the topic: those around
 * the topic's project (`projects/<number>`) whose enforced or dry-run configuration has no ingress
 * rule admitting the agent to Pub/Sub there. The agent is an organisation-level identity that calls
 * from Google's infrastructure, outside every perimeter: without the rule its publishes are
 * refused once the configuration is enforced (the reason platform/domains/perimeter.ts admits it).
 */
function refusingPerimeters(
  resources: PolicyResource[],
  topicProject: string | undefined,
  member: string,
): { perimeter: PolicyResource; config: string }[] {
  const target = topicProject && `projects/${topicProject}`;
  const refusing: { perimeter: PolicyResource; config: string }[] = [];
  for (const p of resources.filter(
    (r) => r.type === "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter",
  ))
    for (const [label, config] of [
      ["status", p.props.status],
      ["spec", p.props.spec],
    ] as const) {
      const c = config as PerimeterConfig | undefined;
      if (!c || !target || !(c.resources ?? []).includes(target)) continue;
      const admitted = (c.ingressPolicies ?? []).some(
        (rule) =>
          (rule.ingressFrom?.identities ?? []).includes(member) &&
          (rule.ingressTo?.operations ?? []).some((o) =>
            ["pubsub.googleapis.com", "*"].includes(String(o.serviceName)),
          ) &&
          (rule.ingressTo?.resources ?? []).some((r) => r === target || r === "*"),
      );
      if (!admitted) refusing.push({ perimeter: p, config: label });
    }
  return refusing;
}

/**
 * Whether one of the alerts (the paging ones, policies/lib/alerting.ts) of the topic's
 * project whose condition counts the topic's published messages and fires above zero: one
 * finding pages. COMPARISON_LT, or a threshold of one or more, pages on silence or never.
 */
function alerted(alerts: PolicyResource[], topic: PolicyResource): boolean {
  return alerts.some(
    (r) =>
      r.props.project === topic.props.project &&
      soleOrAlternativeConditions(r).some((c) => {
        const filter = String(c.conditionThreshold?.filter ?? "");
        return (
          filter.includes(`topic_id="${String(topic.props.name)}"`) &&
          filter.includes("pubsub.googleapis.com/topic/send_message_operation_count") &&
          firesAboveZero(c)
        );
      }),
  );
}

export const sccNotificationEveryProject = stackPolicy(
  {
    name: "scc-notification-config-every-project",
    description:
      "Every platform project sends its active high and critical Security Command Center findings to the logging project's findings topic, whose publisher is granted and whose every message pages on-call.",
    controls: ["DET-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Keep FindingNotifications (components/findingNotifications.ts): a V2ProjectNotificationConfig per project with FINDINGS_FILTER, the notification agent granted roles/pubsub.publisher on the topic, and the alert policy on it.",
  },
  (resources) => {
    const bucket = auditBuckets(resources)[0];
    if (!bucket) return [];
    const logging = String(bucket.props.project);
    const configs = resources.filter((r) => r.type === NOTIFICATION_CONFIG);
    const findings: Finding[] = [];
    for (const project of platformProjects(resources))
      if (!configs.some((c) => c.props.project === project))
        findings.push({
          urn: bucket.urn,
          problem: `project ${project} exports no Security Command Center findings (no notification config)`,
          fix: "add a V2ProjectNotificationConfig in it to the findings topic",
        });
    const unpublished = new Map<string, { topic: PolicyResource; configs: string[] }>();
    const topics = new Set<PolicyResource>();
    const agents = new Map<string, PolicyResource>();
    for (const config of configs) {
      const problem = findingsFilterProblem(
        (config.props.streamingConfig as { filter?: unknown } | undefined)?.filter,
      );
      if (problem) findings.push({ urn: config.urn, problem, fix: `use ${FILTER}` });
      const topic = topicOf(resources, config.props.pubsubTopic);
      if (!topic || topic.props.project !== logging) {
        findings.push({
          urn: config.urn,
          problem: `it publishes to ${JSON.stringify(config.props.pubsubTopic ?? null)}, not a topic of the logging project ${logging}`,
          fix: "publish to the findings topic of the logging project",
        });
        continue;
      }
      topics.add(topic);
      const agent = config.props.serviceAccount;
      // The agent is known once the config exists (a preview of a new one is judged on the next run).
      if (typeof agent !== "string" || !agent) continue;
      const member = `serviceAccount:${agent}`;
      agents.set(member, topic);
      if (!publishes(resources, topic, member)) {
        const entry = unpublished.get(member) ?? { topic, configs: [] };
        entry.configs.push(config.name);
        unpublished.set(member, entry);
      }
    }
    // One agent serves every config where Security Command Center is activated at the organisation.
    for (const [member, { topic, configs: names }] of unpublished)
      findings.push({
        urn: topic.urn,
        problem: `the notification agent ${member} may not publish to it: the findings of ${names.join(", ")} are dropped`,
        fix: "grant the agent roles/pubsub.publisher on the topic",
      });
    const perimeters = resources.some(
      (r) => r.type === "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter",
    );
    for (const [member, topic] of agents) {
      const topicProject = projectNumberOf(resources, String(topic.props.project));
      // Perimeters name projects by number: without it, whether one refuses the agent is unknown.
      if (!topicProject && perimeters)
        findings.push({
          urn: topic.urn,
          problem: `the number of the findings topic's project ${String(topic.props.project)} is unknown (no service agent holds its serviceAgent role there), so whether a perimeter admits the notification agent ${member} cannot be judged`,
          fix: "keep Pub/Sub's service agent grant (roles/pubsub.serviceAgent) in the logging project (ServiceAgents, platform/domains/foundation.ts)",
        });
      for (const { perimeter, config } of refusingPerimeters(resources, topicProject, member))
        findings.push({
          urn: perimeter.urn,
          problem: `its ${config} configuration surrounds the findings topic's project ${String(topic.props.project)} but no ingress rule admits the notification agent ${member} to pubsub.googleapis.com there: the perimeter refuses every finding's publish`,
          fix: "keep the ingress rule admitting the agent from any source to pubsub.googleapis.com in the logging project (platform/domains/perimeter.ts)",
        });
    }
    const paging = pagingAlertPolicies(resources);
    for (const topic of topics)
      if (!alerted(paging, topic))
        findings.push({
          urn: topic.urn,
          ...(silencedAlerts(resources, (alerts) => alerted(alerts, topic)) ?? {
            problem:
              "no enabled alert policy with a notification channel pages on its messages (a condition on its send_message_operation_count, COMPARISON_GT, threshold 0)",
            fix: "alert on pubsub.googleapis.com/topic/send_message_operation_count of the topic",
          }),
        });
    return findings;
  },
);
