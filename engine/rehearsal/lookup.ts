import { CapturedResource } from "../model";
import { RehearsalContext } from "./model";
import { projectOf } from "./resourceProject";
import { plain } from "../deployment";
import { goDurationSeconds } from "../../facts/durations";

export const SERVICE_TYPE = "gcp:projects/service:Service";
export const SLEEP_TYPE = "time:index/sleep:Sleep";

/** The `gcp:projects/service:Service` resources that enable `api` in `project`. */
export function enablements(ctx: RehearsalContext, project: string, api: string): CapturedResource[] {
  return ctx.resources.filter(
    (r) => r.type === SERVICE_TYPE && r.inputs.service === api && r.inputs.project === project,
  );
}

/** Checks that `api` is on in `project` before `r` starts; undefined when it is. */
export function apiProblem(
  ctx: RehearsalContext,
  r: CapturedResource,
  project: string,
  api: string,
): string | undefined {
  const services = enablements(ctx, project, api);
  if (services.some((s) => ctx.order.precedes(s.urn, r.urn))) return undefined;
  if (services.length)
    return `${api} is enabled in ${project} by ${services[0].name}, but nothing orders it first: both start at once (a race); add dependsOn on ${services[0].name}`;
  if (ctx.stack.externallyEnabledApis.has(`${project}/${api}`)) return undefined;
  const created = ctx.stack.createdProjects.has(project);
  return created
    ? `${api} is never enabled in ${project}, which this stack creates: enable it (PROJECT_APIS) and depend on the enablement`
    : `${api} is not enabled in ${project} by this stack: enable it (PROJECT_APIS) and depend on it, or declare "${project}/${api}" in externallyEnabledApis if the project's owner enables it`;
}

/** IAM members a grant resource names (`member`, or `members` of a binding). */
export function grantMembers(r: CapturedResource): string[] {
  const inputs = plain(r.inputs) as Record<string, unknown>;
  if (typeof inputs.member === "string") return [inputs.member];
  if (Array.isArray(inputs.members)) return inputs.members.filter((m): m is string => typeof m === "string");
  return [];
}

export const isGrant = (r: CapturedResource): boolean =>
  r.custom && r.type.startsWith("gcp:") && grantMembers(r).length > 0 && typeof r.inputs.role === "string";

/** The resource's project, with a fallback the messages can print. */
export function projectName(ctx: RehearsalContext, r: CapturedResource): string | undefined {
  return projectOf(r, ctx.stack);
}

/** The longest creation wait (`time.Sleep`) that starts after `from` and ends before `to`, in seconds. */
export function waitBetween(ctx: RehearsalContext, from: string, to: string): number {
  const sleeps = ctx.resources.filter((r) => r.type === SLEEP_TYPE);
  const waits = ctx.order
    .between(from, to, sleeps)
    .map((s) => goDurationSeconds(plain(s.inputs.createDuration)));
  return Math.max(0, ...waits.filter((w) => Number.isFinite(w)));
}
