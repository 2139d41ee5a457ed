import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { changesFromEngineEvents } from "../../engine/preview/engineEvents";
import { guardChanges } from "../../engine/preview/guard";
import { errorAt, RehearsalFinding } from "../../engine/rehearsal/model";
import { Interrupted } from "../cli/cancellation";
import { cliErrors } from "../cli/pulumiCli";
import { pendingOperations, pendingRecoveryCommands, StackLocked } from "../cli/stackState";
import { FailoverPlan, Switchover } from "./plan";
import { DeployedProjectError, projectIdFromOutputs } from "../cli/deployedProjects";
import { writeFileAtomic } from "../cli/atomicWrite";

/**
 * The journal (.failovers/<stack>.json) lives on the machine that ran the failover. A runner lost
 * after a switchover leaves no journal elsewhere: the same command run from a second machine starts
 * a fresh one, finds the replicas already primary in Cloud SQL, skips their lag check and
 * switchover, and goes forward (config, guarded preview, up, verify).
 */

/** The stack operations a failover needs; the Automation API implements them (automation.ts). */
export interface FailoverStack {
  /** The stack's name as the backend knows it. */
  name: string;
  /** `pulumi stack export`: pending operations of an interrupted run. */
  exportState(): Promise<unknown>;
  /**
   * Proves the stack's lock is free and its state writable, changing nothing (a `refresh` of the
   * root Stack resource alone). Throws StackLocked if another update holds it.
   */
  probeLock(): Promise<void>;
  /** Sets a configuration value in the stack file, keeping its comments (stackFileEdit.ts). */
  setConfig(key: string, value: string): Promise<void>;
  /**
   * `pulumi preview --refresh` with the policy packs; every engine event goes to `onEvent`. Throws
   * StackLocked if the backend refuses it for a held lock (Pulumi Cloud's 409 at preview).
   */
  preview(onEvent: (event: EngineEvent) => void, signal: AbortSignal): Promise<void>;
  /**
   * `pulumi up --refresh` with the policy packs, restricted to `targets` (`--target`; the root Stack
   * resource and providers are always targeted: pkg/resource/deploy/step_generator.go,
   * isImplicitlyTargetedResource); cancelled (gracefully) when `signal` aborts.
   */
  up(onEvent: (event: EngineEvent) => void, signal: AbortSignal, targets: string[]): Promise<void>;
  outputs(): Promise<Record<string, unknown>>;
}

/** The Cloud SQL operations a failover needs; the Admin and Monitoring APIs implement them (cloudSql.ts). */
export interface CloudSql {
  replicaLagSeconds(project: string, instance: string): Promise<number | undefined>;
  isPrimary(project: string, instance: string): Promise<boolean>;
  /** The name of a switchover of this instance that is still running, if there is one. */
  runningSwitchover(project: string, instance: string): Promise<string | undefined>;
  /** Starts a switchover; returns its operation's name. */
  startSwitchover(project: string, instance: string): Promise<string>;
  /** Follows an operation to DONE; throws the signal's reason if it aborts first (the operation goes on). */
  waitForOperation(project: string, operation: string, signal?: AbortSignal): Promise<void>;
}

type StepName = "preflight" | `switchover:${string}` | "config" | "preview" | "up" | "verify";

/** The journal of one failover: what is done, so an interrupted run resumes or rolls back. */
export interface FailoverJournal {
  stack: string;
  from: string;
  to: string;
  reason: string;
  startedAt: string;
  done: { step: StepName; at: string }[];
  /** Switchovers requested and not yet seen DONE: cluster → Cloud SQL operation. */
  requested?: Record<string, string>;
  outcome?: "completed" | "rolled-back";
  findings?: RehearsalFinding[];
}

export interface FailoverReport {
  /**
   * blocked: the guard refused the preview (or the `up` strayed from what it judged): fix and run
   * again. refused: a check before the first switchover failed; nothing changed.
   */
  outcome: "completed" | "blocked" | "rolled-back";
  journal: string;
  steps: { step: string; at: string }[];
  findings: RehearsalFinding[];
}

export class FailoverRefused extends Error {}

export interface ExecuteOptions {
  plan: FailoverPlan;
  reason: string;
  stack: FailoverStack;
  sql: CloudSql;
  /** `.failovers/<stack>.json`. */
  journalFile: string;
  maxLagSeconds: number;
  log: (line: string) => void;
  /** Ctrl-C: nothing new starts; a running Pulumi operation cancels cleanly. */
  signal?: AbortSignal;
}

function readJournal(file: string): FailoverJournal | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as FailoverJournal;
}

function writeJournal(file: string, journal: FailoverJournal): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(journal, null, 2) + "\n", { durable: true });
}

/** An unfinished journal of this failover to resume, or a fresh one; a journal of another failover refuses. */
function openJournal(options: ExecuteOptions): FailoverJournal {
  const { plan, journalFile } = options;
  const prior = readJournal(journalFile);
  if (prior && !prior.outcome) {
    if (prior.to !== plan.to || prior.from !== plan.from)
      throw new FailoverRefused(
        `an unfinished failover ${prior.from} → ${prior.to} of ${prior.stack} is in ${journalFile}: finish it (run it again) or roll it back (--rollback) first`,
      );
    options.log(
      `resuming the failover started ${prior.startedAt}: ${prior.done.map((d) => d.step).join(", ") || "nothing"} done`,
    );
    return prior;
  }
  if (prior?.outcome)
    fs.renameSync(journalFile, journalFile.replace(/\.json$/, `.${prior.outcome}-${Date.now()}.json`));
  return {
    stack: plan.stack,
    from: plan.from,
    to: plan.to,
    reason: options.reason,
    startedAt: new Date().toISOString(),
    done: [],
  };
}

/** The guard's judgement of a Pulumi operation's engine events. */
function judge(events: EngineEvent[]): {
  findings: RehearsalFinding[];
  changes: ReturnType<typeof changesFromEngineEvents>;
} {
  const changes = changesFromEngineEvents(events);
  // The engine's events carry no dependency graph: every VPC counts as one with dependants.
  const networks = changes.filter((c) => c.type === "gcp:compute/network:Network").map((c) => c.urn);
  return { changes, findings: guardChanges(changes, { dependedOn: new Set(networks) }) };
}

const NEVER = new AbortController().signal;

/**
 * Carries out a planned failover, step by step, each recorded in the journal before the next
 * starts:
 * 1. preflight, before anything irreversible: each DR replica's lag, then Pulumi itself — no
 *    operation left pending, the stack's lock free and its state writable, and a refreshed
 *    preview with the packs on the current configuration that the guard accepts (the backend is
 *    reachable, the configuration decrypts, plugins and packs load, the clusters answer);
 * 2. the Cloud SQL switchovers (a switchover still running from an interrupted run is followed,
 *    never sent twice; its operation is journalled before it is followed);
 * 3. the configuration change that records the new roles (the stack file, comments kept);
 * 4. a refreshed preview judged by the guard — on every run that has an `up` to do, so a resume
 *    after a failed `up` is judged again;
 * 5. a refreshed `up`, watched: a step the preview did not announce, or one the guard refuses,
 *    cancels it (the CLI finishes the steps in flight and stops);
 * 6. verification against Cloud SQL itself.
 * The switchovers come before the configuration because the provider applies the role swap in
 * place only once its state shows it (a refresh after the switchover: terraform-provider-google
 * resource_sql_database_instance.go, isSwitchoverFromOldPrimarySide); before them nothing has
 * changed, after them the data lives in the new region and the run can only go forward.
 */
export async function executeFailover(options: ExecuteOptions): Promise<FailoverReport> {
  const { stack, sql, journalFile, log } = options;
  const signal = options.signal ?? NEVER;
  const journal = openJournal(options);
  const done = (step: StepName) => journal.done.some((d) => d.step === step);
  const save = () => writeJournal(journalFile, journal);
  const record = (step: StepName) => {
    journal.done.push({ step, at: new Date().toISOString() });
    save();
    log(`✔ ${step}`);
  };
  const stopIfCancelled = (before: string) => {
    if (signal.aborted)
      throw new Interrupted(`${String(signal.reason?.message ?? "cancelled")}: stopped before ${before}`);
  };
  const blocked = (findings: RehearsalFinding[], what: string): FailoverReport => {
    journal.findings = findings;
    save();
    log(`✘ ${what}: the guard refused ${findings.length} change(s); fix them and run the failover again`);
    return { outcome: "blocked", journal: journalFile, steps: journal.done, findings };
  };
  save();
  const plan = await withDeployedProjects(options.plan, stack);

  if (!done("preflight")) {
    let switched = 0;
    for (const s of plan.switchovers) {
      // First: a replica that is already the primary (switched by a run whose journal is on another
      // machine) reports no replica lag any more (cloudSql.ts reads the last 5 minutes), and is
      // not switched again.
      if (await sql.isPrimary(s.project, s.replica)) {
        log(`  ${s.replica} is already the primary: switched over by an earlier run; going forward`);
        switched++;
        continue;
      }
      const lag = await sql.replicaLagSeconds(s.project, s.replica);
      if (lag === undefined)
        throw new FailoverRefused(
          `preflight: no recent replica lag reported for ${s.project}:${s.replica}; is it replicating?`,
        );
      if (lag > options.maxLagSeconds)
        throw new FailoverRefused(
          `preflight: ${s.replica} lags by ${lag} s, over ${options.maxLagSeconds} s: a failover now would lose more than the RPO allows`,
        );
      log(`  ${s.replica} lags by ${lag} s (at most ${options.maxLagSeconds} s)`);
    }
    // Once a switchover happened, the preview of the old configuration means nothing (the refreshed
    // state shows the new roles): the guarded preview after the config change judges instead.
    await pulumiPreflight(stack, signal, log, switched === 0);
    stopIfCancelled("the first switchover");
    record("preflight");
  }
  for (const s of plan.switchovers) {
    const step: StepName = `switchover:${s.cluster}`;
    if (done(step)) continue;
    // Idempotent on resume: a replica that is already the primary is not switched again, and a
    // switchover still running (sent by a run that was interrupted) is followed, not sent again.
    if (!(await sql.isPrimary(s.project, s.replica))) {
      let operation = journal.requested?.[s.cluster] ?? (await sql.runningSwitchover(s.project, s.replica));
      if (operation) log(`  following the switchover of ${s.replica} already running (${operation})`);
      else {
        stopIfCancelled(`the switchover of ${s.replica}`);
        operation = await sql.startSwitchover(s.project, s.replica);
        journal.requested = { ...journal.requested, [s.cluster]: operation };
        save();
      }
      try {
        await sql.waitForOperation(s.project, operation, signal);
      } catch (err) {
        if (!signal.aborted)
          throw new FailoverRefused(
            `the switchover of ${s.replica}: ${(err as Error).message}; the journal stays open: check the instance in Cloud SQL and run the same command again`,
          );
        throw new Interrupted(
          `the switchover of ${s.replica} goes on in Cloud SQL (operation ${operation}); run the same command again to follow it`,
        );
      }
    }
    if (journal.requested) delete journal.requested[s.cluster];
    record(step);
  }
  if (!done("config")) {
    await stack.setConfig(plan.config.key, plan.to);
    record("config");
  }
  if (!done("up")) {
    stopIfCancelled("the guarded preview");
    // Again on every run, a resume included: an `up` killed at once (a lost runner, a second
    // Ctrl-C) leaves pending creates that the CLI keeps through later updates and refreshes, and
    // the next `up` would create those resources again (409: already exists).
    await refusePending(stack, "the guarded preview and up");
    const events: EngineEvent[] = [];
    try {
      await stack.preview((e) => events.push(e), signal);
    } catch (err) {
      if (err instanceof StackLocked) throw err;
      if (signal.aborted)
        throw new Interrupted("cancelled during the guarded preview: nothing changed since the switchovers");
      throw new FailoverRefused(
        `preview failed: ${cliErrors(err).split("\n").join("\n  ")}; the journal stays open: fix the cause and run the same command again`,
      );
    }
    const judged = judge(events);
    if (judged.findings.some((f) => f.severity === "error")) return blocked(judged.findings, "preview");
    if (!done("preview")) record("preview");
    else log("✔ preview (judged again before up)");

    stopIfCancelled("up");
    const upFindings = await watchedUp(stack, judged.changes, signal);
    if (upFindings.length) return blocked(upFindings, "up");
    record("up");
  }
  if (!done("verify")) {
    const notPrimary: string[] = [];
    for (const s of plan.switchovers)
      if (!(await sql.isPrimary(s.project, s.replica))) notPrimary.push(s.replica);
    const outputs = await stack.outputs();
    const wrong = ["ledgerPrimary", "cardVaultPrimary"].filter(
      (key) => !String(outputs[key] ?? "").includes(`:${plan.to}:`),
    );
    if (notPrimary.length || wrong.length)
      throw new FailoverRefused(
        `verify: ${[...notPrimary.map((r) => `${r} is not the primary in Cloud SQL`), ...wrong.map((k) => `${k} is ${String(outputs[k])}`)].join("; ")}`,
      );
    record("verify");
  }
  journal.outcome = "completed";
  journal.findings = [];
  save();
  return { outcome: "completed", journal: journalFile, steps: journal.done, findings: [] };
}

/**
 * Refuses while an interrupted run's operations are pending, with the commands that resolve them.
 * The CLI keeps pending creates through `up` and `refresh` alike, only warning (pkg/backend/
 * snapshot.go and journal.go: "we don't want to clear pending CREATE operations"), so the next
 * `up` would create those resources again and fail with 409.
 */
async function refusePending(stack: FailoverStack, before: string): Promise<void> {
  const pending = pendingOperations(await stack.exportState());
  if (pending.length)
    throw new FailoverRefused(
      `stack ${stack.name} has ${pending.length} operation(s) left pending by an interrupted run ` +
        `(${pending.map((p) => `${p.urn} ${p.op}`).join(", ")}), refused before ${before}. Check each in Google Cloud, ` +
        `then resolve them (docs/operations.md) and run the same command again:\n  ${pendingRecoveryCommands(stack.name, pending).join("\n  ")}`,
    );
}

/**
 * What must hold before the first switchover, checked with Pulumi itself: nothing left pending by
 * an interrupted run (the next `up` would create it again), the lock free (a self-managed
 * backend's preview takes none: pkg/backend/diy/backend.go, so it is probed), and a refreshed
 * preview on the current configuration that the guard accepts (unless a switchover already
 * happened). Refuses with what to do; changes nothing.
 */
async function pulumiPreflight(
  stack: FailoverStack,
  signal: AbortSignal,
  log: (line: string) => void,
  previewCurrent: boolean,
) {
  await refusePending(stack, "the first switchover").catch((err: Error) => {
    throw new FailoverRefused(`preflight: ${err.message}`);
  });
  await stack.probeLock();
  if (!previewCurrent) return;
  const events: EngineEvent[] = [];
  try {
    await stack.preview((e) => events.push(e), signal);
  } catch (err) {
    if (err instanceof StackLocked) throw err;
    if (signal.aborted) throw new Interrupted("cancelled during the preflight preview: nothing has changed");
    throw new FailoverRefused(
      `preflight: pulumi preview of the current configuration failed: ${cliErrors(err).split("\n").join("\n  ")}`,
    );
  }
  const { findings } = judge(events);
  if (findings.some((f) => f.severity === "error"))
    throw new FailoverRefused(
      `preflight: the preview of the current configuration already has changes the guard refuses: ${findings.map((f) => `${f.urn}: ${f.message}`).join("; ")}`,
    );
  log("  pulumi preview --refresh of the current configuration passes the packs and the guard");
}

/**
 * `pulumi up`, held to what the guard judged. First line: the up is restricted to the URNs the
 * judged preview changes (`--target`), so the engine skips any other step. The watch alone cannot
 * stop a step: the engine sends its resourcePreEvent and applies it at once
 * (pkg/resource/deploy/step_executor.go). Second line, the watch: every step the engine announces
 * must be one the preview announced, with the same operation, and pass the guard on its own; the
 * first that does not cancels the update through the Automation API's signal (the CLI finishes
 * the steps in flight and starts nothing new), and is reported. Update plans (`preview
 * --save-plan`, `up --plan`) would restrict inputs too, but are experimental (hidden unless
 * PULUMI_EXPERIMENTAL: pkg/cmd/pulumi/operations/up.go) and fail spuriously (pulumi/pulumi#11587).
 */
async function watchedUp(
  stack: FailoverStack,
  judged: ReturnType<typeof changesFromEngineEvents>,
  signal: AbortSignal,
): Promise<RehearsalFinding[]> {
  const expected = new Map(judged.filter((c) => c.op !== "same").map((c) => [c.urn, c.op]));
  const stray = new AbortController();
  const findings: RehearsalFinding[] = [];
  const onEvent = (event: EngineEvent) => {
    if (stray.signal.aborted || !event.resourcePreEvent) return;
    const [change] = changesFromEngineEvents([event]);
    if (!change || change.op === "same") return;
    const refused = judge([event]).findings.filter((f) => f.severity === "error");
    if (expected.get(change.urn) !== change.op)
      refused.push(
        errorAt(
          "up-diverged",
          change,
          `the up would ${change.op} it, which the judged preview ${expected.has(change.urn) ? `planned as ${expected.get(change.urn)}` : "did not announce"}: cancelled`,
        ),
      );
    if (!refused.length) return;
    findings.push(...refused);
    stray.abort(new Interrupted("the up strayed from the judged preview"));
  };
  try {
    await stack.up(onEvent, AbortSignal.any([signal, stray.signal]), [...expected.keys()]);
  } catch (err) {
    if (findings.length) return findings;
    if (signal.aborted)
      throw new Interrupted(
        "cancelled during up: Pulumi finished the steps in flight and recorded the state",
      );
    if (err instanceof StackLocked) throw err;
    throw new FailoverRefused(
      `up failed: ${cliErrors(err).split("\n").join("\n  ")}; the journal stays open: fix the cause and run the same command again (the preview is judged again first)`,
    );
  }
  return findings;
}

/** The switchovers' projects as deployed: an ephemeral stack's ids carry a generation suffix (stack output projectIds). */
async function withDeployedProjects(plan: FailoverPlan, stack: FailoverStack): Promise<FailoverPlan> {
  const outputs = await stack.outputs();
  const role = (cluster: string) => (cluster === "card-vault" ? "cde" : "platform");
  const project = (s: Switchover) => {
    const expected = { configured: s.project, ephemeral: plan.ephemeral ?? false };
    let id: string | undefined;
    try {
      id = projectIdFromOutputs(outputs, role(s.cluster), expected);
    } catch (err) {
      if (err instanceof DeployedProjectError)
        throw new FailoverRefused(`stack ${plan.stack}: ${err.message}`);
      throw err;
    }
    if (!id)
      throw new FailoverRefused(
        `stack ${plan.stack} is ephemeral and has no projectIds.${role(s.cluster)} output: its ${s.cluster} project's id carries a generation suffix; deploy it first`,
      );
    return id;
  };
  return { ...plan, switchovers: plan.switchovers.map((s) => ({ ...s, project: project(s) })) };
}

/** Closes a failover interrupted before its first switchover; the configuration is restored if it moved. */
export async function rollbackFailover(
  stack: Pick<FailoverStack, "setConfig">,
  journalFile: string,
  key: string,
  log: (line: string) => void,
): Promise<FailoverReport> {
  const journal = readJournal(journalFile);
  if (!journal || journal.outcome)
    throw new FailoverRefused(
      `nothing to roll back: ${journal ? `the last failover in ${journalFile} is ${journal.outcome}` : `no failover was started (${journalFile} does not exist)`}`,
    );
  if (
    journal.done.some((d) => d.step.startsWith("switchover:")) ||
    Object.keys(journal.requested ?? {}).length
  )
    throw new FailoverRefused(
      "a Cloud SQL switchover already happened: the data now lives in the new region, so the failover can only be completed (run it again), not rolled back",
    );
  await stack.setConfig(key, journal.from);
  log(`✔ ${key} restored to ${journal.from}`);
  journal.outcome = "rolled-back";
  writeJournal(journalFile, journal);
  return { outcome: "rolled-back", journal: journalFile, steps: journal.done, findings: [] };
}
