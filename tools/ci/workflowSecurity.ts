import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/**
 * The rules the repository's GitHub workflows are held to (GOV-05, docs/ci.md). A workflow is data
 * here, read with the `yaml` package (YAML 1.2: `on` is a key, not a boolean) and judged by what its
 * jobs would do when GitHub runs them:
 *
 * - untrusted-credentials: a job that runs a pull request's code gets no OIDC token (`id-token:
 *   write`), no secret but the job's own GITHUB_TOKEN, and no self-hosted runner. A `pull_request`
 *   workflow runs the pull request's own copy of itself, so all its jobs do; a `workflow_run` or
 *   `pull_request_target` job does when it checks the pull request's head out.
 * - untrusted-checkout: a privileged workflow never checks a pull request's head out
 *   (`allow-unsafe-pr-checkout`, a ref naming the head or refs/pull/), and downloads artifacts
 *   only outside the workspace (`runner.temp`), where nothing in them can replace a file that runs.
 * - unpinned-action: every action is pinned by a 40-hex commit (a tag or branch can be moved).
 * - persisted-credentials: every checkout sets `persist-credentials: false` (the token otherwise
 *   stays in .git/config for whatever runs next).
 * - explicit-permissions: the workflow sets `permissions` (else the repository's default applies).
 * - script-injection: no `${{ github.event.… }}` or `${{ github.head_ref }}` inside a `run` script
 *   (a branch name or title becomes shell code); pass them through `env`.
 * - swallowed-report: in a job that comments a report, each step running plan, policy or
 *   rehearse keeps going (`set +e`), records its exit code in GITHUB_OUTPUT, and a later step
 *   fails on it; under GitHub's default `bash -e` the failing tool would end the job before the
 *   comment that says why (issue #28).
 */
export interface WorkflowFinding {
  rule: string;
  /** `file` or `file job` or `file job step n`. */
  where: string;
  message: string;
}

type Step = {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
};
type Job = {
  "runs-on"?: unknown;
  permissions?: unknown;
  steps?: Step[];
  uses?: string;
  env?: Record<string, unknown>;
  with?: Record<string, unknown>;
  secrets?: unknown;
};
type Workflow = {
  on?: unknown;
  permissions?: unknown;
  jobs?: Record<string, Job>;
  env?: Record<string, unknown>;
};

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;
const DOCKER_PINNED = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const HEAD_REF = /head_sha|head_branch|head\.sha|head\.ref|pull_request\.head|refs\/pull\//;
const REPORT_TOOLS = /npm run(?: -s)? (plan|policy|rehearse)\b/;
const INJECTABLE = /\$\{\{\s*(github\.event\.|github\.head_ref)/;

/** The events a workflow runs on (`on: push`, `on: [a, b]`, `on: { a: …, b: … }`). */
function events(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  if (on && typeof on === "object") return Object.keys(on);
  return [];
}

/** Whether a permissions value grants the OIDC token. */
function grantsIdToken(permissions: unknown): boolean {
  if (permissions === "write-all") return true;
  return (
    !!permissions &&
    typeof permissions === "object" &&
    (permissions as Record<string, unknown>)["id-token"] === "write"
  );
}

/** Every `secrets.X` a job's text refers to, but the job's own GITHUB_TOKEN. */
function secretsOf(job: Job): string[] {
  const text = JSON.stringify(job);
  const names = [...text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  return [...new Set(names.filter((n) => n !== "GITHUB_TOKEN"))].concat(
    job.secrets === "inherit" ? ["inherit"] : [],
  );
}

const selfHosted = (runsOn: unknown) => JSON.stringify(runsOn ?? "").includes("self-hosted");
const isCheckout = (s: Step) => /^actions\/checkout@/.test(s.uses ?? "");

/** Whether a job runs the pull request's code: always in `pull_request`, else when it checks the head out. */
function runsPullRequestCode(triggers: string[], job: Job): boolean {
  if (triggers.includes("pull_request")) return true;
  if (!triggers.some((t) => t === "pull_request_target" || t === "workflow_run")) return false;
  return (job.steps ?? []).some(
    (s) =>
      isCheckout(s) &&
      (HEAD_REF.test(String(s.with?.ref ?? "")) || String(s.with?.["allow-unsafe-pr-checkout"]) === "true"),
  );
}

/** Judges one workflow; `file` names it in the findings. */
export function checkWorkflow(file: string, text: string): WorkflowFinding[] {
  const workflow = parse(text) as Workflow;
  const findings: WorkflowFinding[] = [];
  const add = (rule: string, where: string, message: string) => findings.push({ rule, where, message });
  const triggers = events(workflow.on);
  const privileged = triggers.some((t) => t === "pull_request_target" || t === "workflow_run");
  if (workflow.permissions === undefined)
    add(
      "explicit-permissions",
      file,
      "sets no top-level permissions: the repository's default token permissions apply",
    );
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    const where = `${file} ${name}`;
    const permissions = job.permissions ?? workflow.permissions;
    if (job.uses && !job.uses.startsWith("./") && !PINNED.test(job.uses))
      add("unpinned-action", where, `calls ${job.uses}, not pinned to a commit`);
    if (runsPullRequestCode(triggers, job)) {
      if (grantsIdToken(permissions))
        add(
          "untrusted-credentials",
          where,
          "runs the pull request's code with id-token: write: the code can mint the CI identity's token",
        );
      for (const secret of secretsOf({ ...job, env: { ...workflow.env, ...job.env } }))
        add("untrusted-credentials", where, `runs the pull request's code with secrets.${secret}`);
      if (selfHosted(job["runs-on"]))
        add(
          "untrusted-credentials",
          where,
          "runs the pull request's code on a self-hosted runner (inside the operators' networks)",
        );
    }
    const steps = job.steps ?? [];
    const comments = steps.some((s) => /sticky-pull-request-comment|github-script/.test(s.uses ?? ""));
    steps.forEach((step, i) => {
      const at = `${where} step ${i + 1}${step.name ? ` (${step.name})` : step.id ? ` (${step.id})` : ""}`;
      if (
        step.uses &&
        !step.uses.startsWith("./") &&
        !PINNED.test(step.uses) &&
        !DOCKER_PINNED.test(step.uses)
      )
        add("unpinned-action", at, `uses ${step.uses}, not pinned to a commit`);
      if (isCheckout(step)) {
        if (String(step.with?.["persist-credentials"]) !== "false")
          add("persisted-credentials", at, "checks out without persist-credentials: false");
        if (
          privileged &&
          (HEAD_REF.test(String(step.with?.ref ?? "")) ||
            String(step.with?.["allow-unsafe-pr-checkout"]) === "true")
        )
          add("untrusted-checkout", at, "checks out the pull request's head in a privileged workflow");
      }
      if (
        privileged &&
        /^actions\/download-artifact@/.test(step.uses ?? "") &&
        !/runner\.temp/.test(String(step.with?.path ?? ""))
      )
        add(
          "untrusted-checkout",
          at,
          "downloads a run's artifacts into the workspace, where they can replace files that run; use ${{ runner.temp }}",
        );
      if (step.run && INJECTABLE.test(step.run))
        add("script-injection", at, "expands a github.event value inside the script; pass it through env");
      if (comments && step.run && REPORT_TOOLS.test(step.run)) {
        // GitHub runs `run` steps with `bash -e {0}` unless the step names another shell.
        const errexit = step.shell === undefined || /(^|\s)-e\b|errexit/.test(step.shell);
        const keepsGoing = !errexit || /(^|\n)\s*set \+e\b/.test(step.run);
        const records = step.run.split("\n").some((l) => l.includes("$?") && l.includes("GITHUB_OUTPUT"));
        const failsLater =
          !!step.id &&
          steps
            .slice(i + 1)
            .some((s) => String(s.if ?? "").includes(`steps.${step.id}.outputs`) && /exit/.test(s.run ?? ""));
        if (!keepsGoing || !records || !failsLater)
          add(
            "swallowed-report",
            at,
            "runs a report tool under bash -e before the comment: a failure ends the job before the comment says why. Use set +e, record $? in GITHUB_OUTPUT, comment, then fail in a last step",
          );
      }
    });
  }
  return findings;
}

/** Every workflow of the repository, judged. */
export function checkRepositoryWorkflows(root: string): WorkflowFinding[] {
  const dir = path.join(root, ".github", "workflows");
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => checkWorkflow(`.github/workflows/${f}`, fs.readFileSync(path.join(dir, f), "utf8")));
}
