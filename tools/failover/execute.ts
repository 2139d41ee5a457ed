import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { changesFromEngineEvents } from "../../harness/preview/engineEvents";
import { guardChanges } from "../../harness/preview/guard";
import { Finding } from "../../harness/rehearsal/model";
import { FailoverPlan } from "./plan";

/** The stack operations a failover needs; the Automation API implements them (automation.ts). */
export interface FailoverStack {
  getConfig(key: string): Promise<string | undefined>;
  setConfig(key: string, value: string): Promise<void>;
  /** `pulumi preview` with the policy packs; every engine event goes to `onEvent`. */
  preview(onEvent: (event: EngineEvent) => void): Promise<void>;
  /** `pulumi up` with the policy packs. */
  up(onEvent: (event: EngineEvent) => void): Promise<void>;
  outputs(): Promise<Record<string, unknown>>;
}

/** The Cloud SQL operations a failover needs; the Admin and Monitoring APIs implement them (cloudSql.ts). */
export interface CloudSql {
  replicaLagSeconds(project: string, instance: string): Promise<number | undefined>;
  isPrimary(project: string, instance: string): Promise<boolean>;
  switchover(project: string, instance: string): Promise<void>;
}

type StepName = "preflight" | "config" | "preview" | `switchover:${string}` | "up" | "verify";

/** The journal of one failover: what is done, so an interrupted run resumes or rolls back. */
export interface FailoverJournal {
  stack: string;
  from: string;
  to: string;
  reason: string;
  startedAt: string;
  done: { step: StepName; at: string }[];
  outcome?: "completed" | "rolled-back";
  findings?: Finding[];
}

export interface FailoverReport {
  /** blocked: the databases switched, but the guard refused the preview; fix and run again. */
  outcome: "completed" | "blocked" | "rolled-back";
  journal: string;
  steps: { step: string; at: string }[];
  findings: Finding[];
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
}

function readJournal(file: string): FailoverJournal | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as FailoverJournal;
}

function writeJournal(file: string, journal: FailoverJournal): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(journal, null, 2) + "\n");
  fs.renameSync(tmp, file);
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

/**
 * Carries out a planned failover, step by step, each recorded in the journal before the next
 * starts: preflight (DR replica lag), the Cloud SQL switchovers, the configuration change that
 * records the new roles, a refreshed preview judged by the guard, a refreshed `up`, and
 * verification against Cloud SQL itself. The switchovers come first because the provider applies
 * the role swap in place only once its state shows it (a refresh after the switchover:
 * terraform-provider-google resource_sql_database_instance.go, isSwitchoverFromOldPrimarySide,
 * and its SQL switchover guide); before them nothing has changed, after them the data lives in
 * the new region and the run can only go forward.
 */
export async function executeFailover(options: ExecuteOptions): Promise<FailoverReport> {
  const { stack, sql, journalFile, log } = options;
  const journal = openJournal(options);
  const done = (step: StepName) => journal.done.some((d) => d.step === step);
  const record = (step: StepName) => {
    journal.done.push({ step, at: new Date().toISOString() });
    writeJournal(journalFile, journal);
    log(`✔ ${step}`);
  };
  const finish = (outcome: FailoverJournal["outcome"] & string, findings: Finding[] = []): FailoverReport => {
    journal.outcome = outcome;
    journal.findings = findings;
    writeJournal(journalFile, journal);
    return { outcome, journal: journalFile, steps: journal.done, findings };
  };
  writeJournal(journalFile, journal);
  const plan = await withDeployedProjects(options.plan, stack);

  if (!done("preflight")) {
    for (const s of plan.switchovers) {
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
    record("preflight");
  }
  for (const s of plan.switchovers) {
    const step: StepName = `switchover:${s.cluster}`;
    if (done(step)) continue;
    // Idempotent on resume: a replica that is already the primary is not switched again.
    if (!(await sql.isPrimary(s.project, s.replica))) await sql.switchover(s.project, s.replica);
    record(step);
  }
  if (!done("config")) {
    await stack.setConfig(plan.config.key, plan.to);
    record("config");
  }
  if (!done("preview")) {
    const events: EngineEvent[] = [];
    await stack.preview((e) => events.push(e));
    const changes = changesFromEngineEvents(events);
    // The engine's events carry no dependency graph: every VPC counts as one with dependants.
    const networks = changes.filter((c) => c.type === "gcp:compute/network:Network").map((c) => c.urn);
    const findings = guardChanges(changes, { dependedOn: new Set(networks) });
    if (findings.some((f) => f.severity === "error")) {
      // The databases have already switched and the configuration says so: nothing to undo. The
      // journal stays open; once the program is fixed, the same command resumes here.
      journal.findings = findings;
      writeJournal(journalFile, journal);
      log(`✘ preview: the guard refused ${findings.length} change(s); fix them and run the failover again`);
      return { outcome: "blocked", journal: journalFile, steps: journal.done, findings };
    }
    record("preview");
  }
  if (!done("up")) {
    await stack.up(() => undefined);
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
  return finish("completed");
}

/** The switchovers' projects as deployed: an ephemeral stack's ids carry a generation suffix (stack output projectIds). */
async function withDeployedProjects(plan: FailoverPlan, stack: FailoverStack): Promise<FailoverPlan> {
  const ids = (await stack.outputs()).projectIds as Record<string, string> | undefined;
  if (!ids) return plan;
  const role = (cluster: string) => (cluster === "card-vault" ? "cde" : "platform");
  return {
    ...plan,
    switchovers: plan.switchovers.map((s) => ({ ...s, project: ids[role(s.cluster)] ?? s.project })),
  };
}

/** Closes a failover interrupted before its first switchover; the configuration is restored if it moved. */
export async function rollbackFailover(
  stack: FailoverStack,
  journalFile: string,
  key: string,
  log: (line: string) => void,
): Promise<FailoverReport> {
  const journal = readJournal(journalFile);
  if (!journal || journal.outcome) throw new FailoverRefused(`no unfinished failover in ${journalFile}`);
  if (journal.done.some((d) => d.step.startsWith("switchover:")))
    throw new FailoverRefused(
      "a Cloud SQL switchover already happened: the data now lives in the new region, so the failover can only be completed (run it again), not rolled back",
    );
  await stack.setConfig(key, journal.from);
  log(`✔ ${key} restored to ${journal.from}`);
  journal.outcome = "rolled-back";
  writeJournal(journalFile, journal);
  return { outcome: "rolled-back", journal: journalFile, steps: journal.done, findings: [] };
}
