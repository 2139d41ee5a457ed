import { PolicyResource } from "@pulumi/policy";
import { knownOr } from "./known";
import { protobufDurationSeconds } from "../../facts/durations";
import type { Finding } from "./define";

export const ALERT_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";

/**
 * Alert policies that can page someone: enabled, with at least one live notification channel
 * (liveChannels: declared by the stack and enabled). Cloud
 * Monitoring API v3, AlertPolicy: "enabled: Whether or not the policy is enabled. On write, the
 * default interpretation if unset is that the policy is enabled"; "notificationChannels:
 * Identifies the notification channels to which notifications should be sent when incidents are
 * opened or closed" — none, and an incident opens with nobody told.
 */
export function pagingAlertPolicies(resources: PolicyResource[]): PolicyResource[] {
  const live = liveChannels(resources);
  return resources.filter(
    (r) =>
      r.type === ALERT_POLICY && knownOr(() => r.props.enabled, false) !== false && pagesThrough(r, live),
  );
}

/**
 * Whether one of the alert's channels is live. At `pulumi preview` a channel being created has no
 * `name` yet, nor has the alert's list of them: @pulumi/policy's analyzer (server.js) hands stack
 * policies props behind unknownCheckingProxy, which throws UnknownValueError on reading an unknown
 * value, and the analyzer then turns the whole policy advisory ("can't run ... during preview") —
 * a pull request adding an on-call channel would have silenced every check built on this. So an
 * unknown list, or an unknown element of it, is judged by the dependency graph, known at preview:
 * `propertyDependencies.notificationChannels` names the resources the list was computed from. A
 * known element must be a live channel's known name.
 */
function pagesThrough(alert: PolicyResource, live: PolicyResource[]): boolean {
  const fromDependencies = (alert.propertyDependencies.notificationChannels ?? []).some((d) =>
    live.includes(d),
  );
  const list = channelsOf(alert);
  if (list === UNKNOWN) return fromDependencies;
  const liveNames = new Set(
    live.map((c) => knownOr(() => c.props.name, UNKNOWN)).filter((n) => n !== UNKNOWN),
  );
  return list.some((channel) => (channel === UNKNOWN ? fromDependencies : liveNames.has(channel)));
}

/** Enabled alert policies, whether their channels are live or not. */
export function enabledAlertPolicies(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => r.type === ALERT_POLICY && knownOr(() => r.props.enabled, false) !== false);
}

/**
 * Where a check fails for want of paging alerts but an enabled alert policy that pages nobody
 * would satisfy it: those alerts and their dead channels, as a finding's problem and fix (not
 * "add an alert": it is there, silent). `passes` runs the check over a set of alert policies.
 * Named: the silent alerts that satisfy it alone, else those it cannot do without.
 */
export function silencedAlerts(
  resources: PolicyResource[],
  passes: (alerts: PolicyResource[]) => boolean,
): Pick<Finding, "problem" | "fix"> | undefined {
  const paging = pagingAlertPolicies(resources);
  const silent = enabledAlertPolicies(resources).filter((a) => !paging.includes(a));
  if (!silent.length || !passes([...paging, ...silent])) return undefined;
  const alone = silent.filter((a) => passes([...paging, a]));
  const needed = silent.filter((a) => !passes([...paging, ...silent.filter((s) => s !== a)]));
  const named = alone.length ? alone : needed.length ? needed : silent;
  return {
    problem: named
      .map((a) => `alert policy ${a.name} pages nobody: ${deadChannels(a, resources)}`)
      .join("; "),
    fix: "re-enable them or name a channel the stack declares (components/securityAlerts.ts)",
  };
}

/**
 * Why an alert's channels page nobody: those it names (or, unknown at preview, depends on) that
 * the stack declares disabled, and the names the stack does not declare.
 */
function deadChannels(alert: PolicyResource, resources: PolicyResource[]): string {
  const declared = resources.filter((r) => r.type === NOTIFICATION_CHANNEL);
  const list = channelsOf(alert);
  const dead =
    list === UNKNOWN
      ? (alert.propertyDependencies.notificationChannels ?? [])
          .filter((d) => declared.includes(d))
          .map((c) => `${c.name} (disabled)`)
      : list.map((channel) => {
          const match = declared.find(
            (c) => channel !== UNKNOWN && knownOr(() => c.props.name, UNKNOWN) === channel,
          );
          if (match) return `${match.name} (disabled)`;
          return channel === UNKNOWN
            ? "one unknown at preview (no enabled channel of the stack)"
            : `${String(channel)} (not declared by the stack)`;
        });
  return dead.length ? `its channel(s) ${dead.join(", ")}` : "it names no notification channel";
}

export const NOTIFICATION_CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel";

/**
 * The notification channels that deliver: declared by the stack (its `name`,
 * `projects/P/notificationChannels/ID`, is what an alert policy names) and not disabled. Cloud
 * Monitoring API v3, NotificationChannel: "enabled: Whether notifications are forwarded to the
 * described channel. This makes it possible to disable delivery of notifications to a particular
 * channel without removing the channel from all alerting policies that reference the channel". A
 * channel the stack does not declare is nobody's the packs can judge: a made-up id, or another
 * project's channel. An `enabled` unknown at preview is not counted on.
 */
export function liveChannels(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter(
    (r) => r.type === NOTIFICATION_CHANNEL && knownOr(() => r.props.enabled, false) !== false,
  );
}

const UNKNOWN = Symbol("unknown during preview");

/**
 * An alert's channel names, each UNKNOWN where preview does not know it, or UNKNOWN for the whole
 * list. Read by index: Array methods on the proxied list would read (and throw on) every element.
 */
function channelsOf(alert: PolicyResource): unknown[] | typeof UNKNOWN {
  const list = knownOr(() => alert.props.notificationChannels as unknown[] | undefined, UNKNOWN);
  if (list === UNKNOWN) return UNKNOWN;
  const length = list?.length ?? 0;
  return Array.from({ length }, (_, i) => knownOr(() => list![i], UNKNOWN));
}

export interface ThresholdCondition {
  conditionThreshold?: {
    filter?: string;
    comparison?: string;
    thresholdValue?: number;
    duration?: string;
    aggregations?: { crossSeriesReducer?: string; perSeriesAligner?: string }[];
    trigger?: { count?: number; percent?: number };
  };
}

/**
 * Whether a condition opens an incident on the first count of a log-based metric: it watches that
 * metric alone (`metric.type="logging.googleapis.com/user/<name>"`), as one series (REDUCE_SUM or
 * none, one time series triggering), and fires when the count is above zero. COMPARISON_LT, or a
 * threshold of one or more, and the count of a single action never opens one.
 */
function firesOnFirstCount(c: ThresholdCondition, metricName: string): boolean {
  return (
    String(c.conditionThreshold?.filter ?? "").trim() ===
      `metric.type="logging.googleapis.com/user/${metricName}"` && firesAboveZero(c)
  );
}

/**
 * Whether a threshold condition fires on a count above zero, as one series (see firesOnFirstCount),
 * at once or within `maxRetestSeconds`. Cloud Monitoring API v3, MetricThreshold: `duration` is
 * "the amount of time that a time series must violate the threshold to be considered failing" —
 * a day's duration pages a day late, if ever; and the aligner must keep counting the events
 * (ALIGN_SUM, ALIGN_COUNT or ALIGN_DELTA: ALIGN_PERCENT_CHANGE and the like compare counts, not
 * events). Both bypasses passed every pack (second attacker review).
 */
export function firesAboveZero(c: ThresholdCondition, maxRetestSeconds = 0): boolean {
  const t = c.conditionThreshold;
  const aligners = (t?.aggregations ?? []).map((a) => a.perSeriesAligner ?? "ALIGN_NONE");
  return (
    !!t &&
    t.comparison === "COMPARISON_GT" &&
    (t.thresholdValue ?? 0) < 1 &&
    firesAsOneSeries(t) &&
    protobufDurationSeconds(t.duration ?? "0s") <= maxRetestSeconds &&
    aligners.every((a) => COUNTING_ALIGNERS.includes(a))
  );
}

const COUNTING_ALIGNERS = ["ALIGN_SUM", "ALIGN_COUNT", "ALIGN_DELTA", "ALIGN_NONE"];

/**
 * Whether the watched series add up to one (REDUCE_SUM, or none) and that one series fires the
 * condition: a trigger of two series, or a percentage, can never be met by it, and another reducer
 * (REDUCE_COUNT_FALSE…) no longer counts the events.
 */
export function firesAsOneSeries(t: NonNullable<ThresholdCondition["conditionThreshold"]>): boolean {
  const reducers = (t.aggregations ?? []).map((a) => a.crossSeriesReducer ?? "REDUCE_NONE");
  return (
    reducers.every((r) => r === "REDUCE_SUM" || r === "REDUCE_NONE") &&
    (t.trigger === undefined || ((t.trigger.count ?? 1) === 1 && !t.trigger.percent))
  );
}

/**
 * Whether some paging alert policy of the metric's project opens an incident on its first count:
 * with one condition, or conditions combined by OR (under AND the others must hold too).
 */
export function pagesOnEveryCount(metric: PolicyResource, paging: PolicyResource[]): boolean {
  return paging.some(
    (a) =>
      a.props.project === metric.props.project &&
      soleOrAlternativeConditions(a).some((c) => firesOnFirstCount(c, String(metric.props.name))),
  );
}

/** An alert policy's conditions that open an incident alone: all, with one condition or combined by OR. */
export function soleOrAlternativeConditions(alert: PolicyResource): ThresholdCondition[] {
  const conditions = (alert.props.conditions as ThresholdCondition[] | undefined) ?? [];
  return conditions.length === 1 || (alert.props.combiner ?? "OR") === "OR" ? conditions : [];
}
