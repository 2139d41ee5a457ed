/**
 * What a stack's backend says before an `up`: operations an interrupted run left pending (from
 * `pulumi stack export`) and a lock another run holds (from the CLI's error).
 */

/** An operation the engine started and never saw finish (apitype.OperationV2: resource + type). */
export interface PendingOperation {
  urn: string;
  type: string;
  /** creating | updating | deleting | reading | importing (apitype.OperationType). */
  op: string;
  inputs: Record<string, unknown>;
}

/** The pending operations of a `pulumi stack export` (deployment versions 3 and 4 share the shape). */
export function pendingOperations(exported: unknown): PendingOperation[] {
  const deployment = (exported as { deployment?: { pending_operations?: unknown[] } } | undefined)
    ?.deployment;
  return (deployment?.pending_operations ?? []).map((raw) => {
    const op = raw as {
      type?: string;
      resource?: { urn?: string; type?: string; inputs?: Record<string, unknown> };
    };
    return {
      urn: String(op.resource?.urn ?? ""),
      type: String(op.resource?.type ?? ""),
      op: String(op.type ?? ""),
      inputs: op.resource?.inputs ?? {},
    };
  });
}

/** Another update holds the stack; nothing was changed. */
export class StackLocked extends Error {
  constructor(
    public readonly stack: string,
    public readonly detail: string,
  ) {
    super(
      `stack ${stack} is locked by another update; nothing was changed.\n${detail}\n` +
        `Wait for it to finish and run the same command again. If no process holds it any more (the lock names its ` +
        `user, host and pid), clear it with \`pulumi cancel --stack ${stack} --yes\` (on a self-managed backend this ` +
        "deletes every lock file of the stack: pkg/backend/diy/backend.go, CancelCurrentUpdate) or re-run with " +
        "--cancel-stale-update; see docs/operations.md.",
    );
    this.name = "StackLocked";
  }
}

// The texts the CLI fails with when the stack is locked (sdk/nodejs/automation/errors.ts, which
// classifies them as ConcurrentUpdateError): a self-managed backend's lock file
// (pkg/backend/diy/lock.go, checkForLock) and Pulumi Cloud's 409 (pkg/backend/httpstate).
const LOCKED = [
  "the stack is currently locked by",
  "[409] Conflict: Another update is currently in progress.",
];

/** The lock an Automation API error reports, with the CLI's own lines naming its holder. */
export function lockedBy(err: unknown, stack: string): StackLocked | undefined {
  const name = (err as { name?: string }).name;
  const text = err instanceof Error ? err.message : String(err);
  if (name !== "ConcurrentUpdateError" && !LOCKED.some((t) => text.includes(t))) return undefined;
  const detail = text
    .split("\n")
    .filter((l) => LOCKED.some((t) => l.includes(t)) || / created by .+ \(pid \d+\) at /.test(l))
    .map((l) => l.replace(/^\s*(stderr:\s*)?(error:\s*)?/, "").trim())
    .join("\n  ");
  return new StackLocked(stack, detail || text.trim());
}

/**
 * The commands that resolve pending operations by hand, with the CLI's own flags
 * (pkg/cmd/pulumi/operations/refresh.go): `--import-pending-creates` takes URN and ID as
 * alternating values of a repeated flag; `--clear-pending-creates` drops every pending create;
 * `refresh` itself clears the other pending operations ("you can repair your stack using `pulumi
 * refresh` which will refresh the state from the provider you are using and clear the pending
 * operations": pkg/resource/deploy/deployment_executor.go).
 */
export function pendingRecoveryCommands(stack: string, pending: PendingOperation[]): string[] {
  const creates = pending.filter((p) => p.op === "creating");
  return [
    ...creates.map(
      (p) =>
        `pulumi refresh --stack ${stack} --yes --import-pending-creates '${p.urn}' --import-pending-creates <id, if it exists in Google Cloud>`,
    ),
    `pulumi refresh --stack ${stack} --yes${creates.length ? " --clear-pending-creates" : ""}   # what remains (creates that did not happen, interrupted updates and deletes)`,
  ];
}
