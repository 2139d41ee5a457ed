import { plain } from "../../engine/deployment";
import { CapturedResource } from "../../engine/model";
import { ResourceChange } from "../../engine/preview/diff";
import { previewAgainst } from "../../engine/preview/preview";
import { TENANT_KEYS_PROJECT } from "../../tenantKeys/config";
import { qualifiedShardStack } from "./fingerprint";
import { ShardInput } from "./shardPlan";

const KEY = "gcp:kms/cryptoKey:CryptoKey";

/** A tenant KEK in a state: a CryptoKey labelled with its tenant, in a tenant-kek ring. */
export function isTenantKek(r: CapturedResource): boolean {
  const labels = (plain(r.inputs) as { labels?: Record<string, string> }).labels;
  return r.type === KEY && !!labels?.tenant && /\/keyRings\/tenant-kek$/.test(String(r.inputs.keyRing));
}

/** The tenant a KEK belongs to, by its label. */
export function tenantOf(r: CapturedResource): string {
  return (plain(r.inputs) as { labels: Record<string, string> }).labels.tenant;
}

export interface ShardMove {
  shard: ShardInput;
  /** URNs in the platform stack to move. */
  urns: string[];
}

/** Which of the platform state's KEKs go to which shard stack (by the tenant label). */
export function planMoves(
  platformState: CapturedResource[],
  shards: ShardInput[],
): { moves: ShardMove[]; unassigned: string[] } {
  const shardOf = new Map(shards.flatMap((s) => s.tenants.map((t) => [t, s] as const)));
  const moves = new Map<number, ShardMove>();
  const unassigned: string[] = [];
  for (const r of platformState.filter(isTenantKek)) {
    const shard = shardOf.get(tenantOf(r));
    if (!shard) {
      unassigned.push(r.urn);
      continue;
    }
    if (!moves.has(shard.shard)) moves.set(shard.shard, { shard, urns: [] });
    moves.get(shard.shard)?.urns.push(r.urn);
  }
  return { moves: [...moves.values()].sort((a, b) => a.shard.shard - b.shard.shard), unassigned };
}

/**
 * What `pulumi state move` does to a resource: it leaves the source stack and lands at the root of
 * the destination stack, its parent becoming that stack (its URN changes stack, project and parent
 * type chain; its id, inputs and outputs do not), and its provider is copied along from the source
 * (https://www.pulumi.com/docs/iac/cli/commands/pulumi_state_move/; pkg/cmd/pulumi/state/state_move.go).
 * The shard's default provider therefore starts as the platform's: `providerChanges` compares them.
 */
export function moveState(
  resource: CapturedResource,
  destStack: string,
  shardState: CapturedResource[],
): CapturedResource {
  const root = shardState.find((r) => r.type === "pulumi:pulumi:Stack");
  const provider = shardState.find((r) => r.type === "pulumi:providers:gcp" && r.name.startsWith("default"));
  return {
    ...resource,
    urn: `urn:pulumi:${destStack}::${TENANT_KEYS_PROJECT}::${resource.type}::${resource.name}`,
    parent: root?.urn,
    provider: provider ? `${provider.urn}::${provider.id ?? ""}` : resource.provider,
    dependencies: [],
    propertyDependencies: {},
  };
}

export interface MigrationRehearsal {
  /** The platform's preview after the move: must delete (and replace) nothing. */
  platform: ResourceChange[];
  /**
   * Each shard's preview after the move: must create none of the keys that existed, change none,
   * and find its default provider configured as the platform's (the one the move copied).
   */
  shards: { stack: string; created: string[]; changed: ResourceChange[]; provider: string[] }[];
}

/** Configuration keys of the default gcp provider that differ between the platform and a shard. */
function providerChanges(platformState: CapturedResource[], shardPlan: CapturedResource[]): string[] {
  const config = (rs: CapturedResource[]) => {
    const p = rs.find((r) => r.type === "pulumi:providers:gcp" && r.name.startsWith("default"));
    const inputs = (plain(p?.inputs ?? {}) ?? {}) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== "version" && !k.startsWith("__")));
  };
  const [from, to] = [config(platformState), config(shardPlan)];
  return [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .filter((k) => JSON.stringify(from[k]) !== JSON.stringify(to[k]))
    .map((k) => `${k}: ${JSON.stringify(from[k] ?? null)} → ${JSON.stringify(to[k] ?? null)}`);
}

/**
 * Rehearses the migration offline: the platform state without its KEKs against the new platform
 * program, and each shard's moved KEKs against the shard's program.
 */
export function rehearseMigration(
  platformState: CapturedResource[],
  platformPlan: CapturedResource[],
  moves: ShardMove[],
  shardPlans: Map<string, CapturedResource[]>,
): MigrationRehearsal {
  const moved = new Set(moves.flatMap((m) => m.urns));
  const remaining = platformState.filter((r) => !moved.has(r.urn));
  const platform = previewAgainst(remaining, platformPlan).changes.filter(
    (c) => c.op === "delete" || c.op === "replace",
  );
  const shards = moves.map((m) => {
    const plan = shardPlans.get(m.shard.stack) ?? [];
    const movedState = platformState
      .filter((r) => m.urns.includes(r.urn))
      .map((r) => moveState(r, m.shard.stack, plan));
    const shardBefore = [...plan.filter((r) => !r.custom || r.type.startsWith("pulumi:")), ...movedState];
    const changes = previewAgainst(shardBefore, plan).changes;
    const existing = new Set(movedState.map((r) => r.urn));
    return {
      stack: m.shard.stack,
      created: changes.filter((c) => c.op === "create" && !existing.has(c.urn)).map((c) => c.urn),
      changed: changes.filter((c) => c.op !== "same" && c.op !== "create"),
      provider: providerChanges(platformState, plan),
    };
  });
  return { platform, shards };
}

/**
 * The commands that perform the move, run from the repository root. Each shard moves in one `pulumi
 * state move` (all its URNs; the argument list stays far below the system's limit: at most
 * 2 × MAX_SHARD_LIMIT URNs of ~150 bytes), run in tenant-keys/ (the destination's project: a fresh
 * shard stack needs a secrets manager, and state move otherwise insists on the destination's
 * project directory: state_move.go), each shard stack created with the platform's secrets provider.
 * Re-runnable: a URN already moved is only a warning to the CLI ("Resource … not found in source
 * stack"), and a shard whose keys have all moved fails with "no resources found to move", which the
 * script takes as done.
 */
export function migrationScript(
  platformReference: string,
  moves: ShardMove[],
  secretsProvider?: string,
): string {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const lines = [
    "#!/usr/bin/env bash",
    "# Moves each tenant KEK from the platform stack to its shard stack: state only, no cloud change.",
    "# Generated by `npm run tenants -- migrate` from a `pulumi stack export`. Safe to run again after",
    "# an interruption: what has moved is skipped. Then: `pulumi up` of the platform stack, then",
    "# `npm run tenants -- up`.",
    "set -euo pipefail",
    'cd "$(git rev-parse --show-toplevel)"',
    "",
    "# move <destination stack> <urn>…: one `pulumi state move` for a whole shard",
    "move() {",
    '  local dest="$1" out',
    "  shift",
    `  if out=$(pulumi -C tenant-keys state move --source ${quote(platformReference)} --dest "$dest" --yes "$@" 2>&1); then`,
    '    printf "%s\n" "$out"',
    '  elif grep -q "no resources found to move" <<<"$out"; then',
    '    echo "$dest: every key already moved"',
    "  else",
    '    printf "%s\n" "$out" >&2',
    "    return 1",
    "  fi",
    "}",
    "",
  ];
  const provider = secretsProvider ? ` --secrets-provider ${quote(secretsProvider)}` : "";
  for (const m of moves) {
    const dest = qualifiedShardStack(platformReference, m.shard.stack);
    lines.push(`pulumi -C tenant-keys stack select --create ${dest}${provider}`);
    lines.push(`move ${dest} \\\n  ${m.urns.map(quote).join(" \\\n  ")}`);
  }
  return lines.join("\n") + "\n";
}
