import * as fs from "fs";
import { DeploymentError, readDeployment } from "../../engine/readDeployment";
import { runOffline } from "../../engine/run";
import { stackFilePath } from "../../engine/stackFile";
import { platformSecretsProvider } from "./automation";
import { EXIT_MANDATORY_VIOLATION, EXIT_OK, failInput } from "../cli/exitCodes";
import { Common, loadInputs, userPath } from "./inputs";
import { isTenantKek, migrationScript, planMoves, rehearseMigration, tenantOf } from "./migration";
import { defaultLedgerPath, shardsOf, writeLedger } from "./shardSet";
import { assignShards } from "../../tenantKeys/shards";
import { platformFacts } from "./platformFacts";
import { planShard } from "./shardPlan";

export interface MigrateOptions extends Common {
  state: string;
  out?: string;
}

/**
 * `tenants migrate`: which KEKs of a deployed platform stack go to which shard, the `pulumi state
 * move` commands, and the offline rehearsal that the move changes state only: afterwards the
 * platform's preview deletes nothing and no shard's preview creates a key that exists.
 */
export async function runMigrate(opts: MigrateOptions): Promise<number> {
  const { stackConfig, config, set, reference } = loadInputs(opts);
  let state;
  try {
    state = readDeployment(userPath(opts.state));
  } catch (err) {
    if (err instanceof DeploymentError) failInput(err.message);
    throw err;
  }
  // Tenants whose KEKs the state holds but the registry no longer lists keep their keys too: they
  // join the ledger as retired tenants of a shard, which keeps declaring their keys.
  const registered = new Set(set.tenants);
  const retired = [...new Set(state.filter(isTenantKek).map((r) => tenantOf(r)))].filter(
    (t) => !registered.has(t) && !(t in set.assignment.ledger.assignments),
  );
  const assignment = assignShards([...set.tenants, ...retired], set.assignment.ledger);
  const shards = shardsOf(assignment, opts.stack);
  const { moves, unassigned } = planMoves(state, shards);
  const platformPlan = (await runOffline(stackConfig)).resources;
  const facts = await platformFacts(config, stackConfig, reference);
  const shardPlans = new Map<string, Awaited<ReturnType<typeof planShard>>["resources"]>();
  for (const m of moves) shardPlans.set(m.shard.stack, (await planShard(facts, m.shard)).resources);
  const rehearsal = rehearseMigration(state, platformPlan, moves, shardPlans);
  const script = migrationScript(
    reference,
    moves,
    platformSecretsProvider(opts.stackFile ? userPath(opts.stackFile) : stackFilePath(opts.stack)),
  );
  // The script follows this assignment, so `tenants up` must too: it is recorded with the script.
  const ledgerPath = userPath(opts.ledger) ?? defaultLedgerPath(opts.stack);
  if (opts.out) {
    fs.writeFileSync(userPath(opts.out), script, { mode: 0o755 });
    writeLedger(ledgerPath, assignment.ledger);
  }
  const problems = [
    ...rehearsal.platform.map((c) => `platform: ${c.op} ${c.urn}`),
    ...rehearsal.shards.flatMap((s) => [
      ...s.created.map((u) => `${s.stack}: would create ${u}`),
      ...s.changed.map((c) => `${s.stack}: ${c.op} ${c.urn} (${c.fields.join(", ")})`),
      ...s.provider.map(
        (p) => `${s.stack}: its default gcp provider would change from the copied one (${p})`,
      ),
    ]),
    ...unassigned.map(
      (u) => `${u}: a tenant KEK without a tenant label the shards can place; it stays in the platform stack`,
    ),
  ];
  const result = {
    moves: moves.map((m) => ({ stack: m.shard.stack, keys: m.urns.length })),
    unassigned,
    rehearsal,
    script: opts.out ?? null,
    ledger: opts.out ? ledgerPath : null,
  };
  process.stdout.write(
    opts.json
      ? JSON.stringify(result, null, 2) + "\n"
      : `${moves.reduce((n, m) => n + m.urns.length, 0)} tenant KEKs move to ${moves.length} shard stacks:\n` +
          moves.map((m) => `  ${m.shard.stack}: ${m.urns.length} keys\n`).join("") +
          (problems.length
            ? `Rehearsal: ${problems.length} problems\n${problems.map((p) => `  ${p}\n`).join("")}`
            : "Rehearsal: after the move the platform's preview deletes nothing and the shards' previews create nothing that exists.\n") +
          (opts.out ? `Script: ${opts.out}\n` : script),
  );
  const blocking = problems.length - unassigned.length;
  return blocking > 0 ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}
