import { CapturedResource, isCloudResource } from "../model";
import { IMMUTABLE_FIELDS, REPLACE_FIELDS } from "../../facts/google/replaceFields";
import { plain, UNDECRYPTED_SECRET } from "../deployment";

export type ChangeOp = "create" | "update" | "replace" | "delete" | "same";

/** What `pulumi up` would do to one resource, as `pulumi preview --diff` says it. */
export interface ResourceChange {
  urn: string;
  type: string;
  op: ChangeOp;
  /** Changed input paths (update, replace); for a replace, the ones that force it come first. */
  fields: string[];
  /** The changed paths that force the replacement. */
  replaceFields: string[];
  /** Inputs before and after (absent for a create, resp. a delete): names, retention, sizes. */
  oldInputs?: Record<string, unknown>;
  newInputs?: Record<string, unknown>;
  /** A delete of a `retainOnDelete` resource: the stack forgets it, the cloud keeps it. */
  retained?: boolean;
}

/** Input keys the engine and bridged providers keep in the state for themselves. */
const isBookkeeping = (key: string) => key.startsWith("__");

/** Dotted paths where two input trees differ (arrays and scalars compared whole). */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((k) => !isBookkeeping(k))
      .sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  // A deployed secret offline is only ciphertext: nothing says it changed.
  if (before === UNDECRYPTED_SECRET) return [];
  const normalise = (v: unknown) => (v === undefined ? null : v);
  return JSON.stringify(normalise(before)) === JSON.stringify(normalise(after)) ? [] : [prefix];
}

const plainInputs = (r: CapturedResource) => plain(r.inputs) as Record<string, unknown>;

const covers = (field: string, path: string) =>
  path === field || path.startsWith(`${field}.`) || field.startsWith(`${path}.`);

const SQL_TYPE = "gcp:sql/databaseInstance:DatabaseInstance";

/**
 * A Cloud SQL disk that shrinks: the API cannot decrease storage, so the provider plans a
 * replacement instead (resource_sql_database_instance.go, CustomizeDiff on settings.disk_size
 * with disk_autoresize off): a new, empty instance.
 */
function shrinks(prior: CapturedResource, now: CapturedResource): boolean {
  const size = (r: CapturedResource) =>
    Number((plain(r.inputs) as { settings?: { diskSize?: number } }).settings?.diskSize);
  return isSql(now) && size(now) < size(prior);
}
const isSql = (r: CapturedResource) => r.type === SQL_TYPE;

/**
 * Whether a changed `masterInstanceName` is the two sides of a switchover (the old primary now
 * replicates from its former replica), which the provider applies in place
 * (resource_sql_database_instance.go, CustomizeDiff isSwitchoverFromOldPrimarySide).
 */
function isRoleSwap(r: CapturedResource, before: CapturedResource[], after: CapturedResource[]): boolean {
  const name = r.inputs.name;
  const byName = (list: CapturedResource[], n: unknown) =>
    list.find((x) => x.type === SQL_TYPE && x.inputs.name === n);
  const was = byName(before, name)?.inputs.masterInstanceName;
  const is = byName(after, name)?.inputs.masterInstanceName;
  if (was && !is) return byName(after, was)?.inputs.masterInstanceName === name;
  if (!was && is) return byName(before, is)?.inputs.masterInstanceName === name;
  return false;
}

/** The offline `pulumi preview --diff`: every resource of either state, with what `up` would do to it. */
export function diffStates(before: CapturedResource[], after: CapturedResource[]): ResourceChange[] {
  const old = new Map(before.filter(isCloudResource).map((r) => [r.urn, r]));
  const now = after.filter(isCloudResource);
  const nowUrns = new Set(now.map((r) => r.urn));
  const changes: ResourceChange[] = [];
  for (const r of now) {
    const prior = old.get(r.urn);
    if (!prior) {
      changes.push({
        urn: r.urn,
        type: r.type,
        op: "create",
        fields: [],
        replaceFields: [],
        newInputs: plainInputs(r),
      });
      continue;
    }
    const ignored = (path: string) => r.ignoreChanges.some((i) => covers(i, path));
    const fields = changedPaths(plain(prior.inputs), plain(r.inputs)).filter((p) => !ignored(p));
    const spec = REPLACE_FIELDS[r.type];
    const forcing = [...(spec?.always ?? []), ...r.replaceOnChanges];
    const immutable = IMMUTABLE_FIELDS[r.type] ?? [];
    const swapFields = spec?.switchover ?? [];
    const replaceFields = fields.filter(
      (p) =>
        forcing.some((f) => covers(f, p)) ||
        immutable.some((f) => f === p || f.startsWith(`${p}.`)) ||
        (swapFields.some((f) => covers(f, p)) && !isRoleSwap(r, before, after)) ||
        (p === "settings.diskSize" && shrinks(prior, r)),
    );
    const op: ChangeOp = !fields.length ? "same" : replaceFields.length ? "replace" : "update";
    changes.push({
      urn: r.urn,
      type: r.type,
      op,
      fields: [...replaceFields, ...fields.filter((f) => !replaceFields.includes(f))],
      replaceFields,
      oldInputs: plainInputs(prior),
      newInputs: plainInputs(r),
    });
  }
  cascadeReplacements(changes, now);
  for (const r of before.filter(isCloudResource))
    if (!nowUrns.has(r.urn))
      changes.push({
        urn: r.urn,
        type: r.type,
        op: "delete",
        fields: [],
        replaceFields: [],
        oldInputs: plainInputs(r),
      });
  return changes;
}

/**
 * A replacement gives the new resource new outputs (an id, a name): every resource whose
 * replace-forcing input comes from it is replaced too, as the engine does once it knows the new
 * values. Repeated until nothing more moves.
 */
function cascadeReplacements(changes: ResourceChange[], now: CapturedResource[]): void {
  const byUrn = new Map(now.map((r) => [r.urn, r]));
  for (let moved = true; moved;) {
    moved = false;
    const replaced = new Set(changes.filter((c) => c.op === "replace").map((c) => c.urn));
    for (const c of changes) {
      if (c.op !== "same" && c.op !== "update") continue;
      const r = byUrn.get(c.urn);
      if (!r) continue;
      const forcing = [
        ...(REPLACE_FIELDS[r.type]?.always ?? []),
        ...(IMMUTABLE_FIELDS[r.type] ?? []),
        ...r.replaceOnChanges,
      ].map((f) => f.split(".")[0]);
      const inherited = Object.entries(r.propertyDependencies)
        .filter(([field, urns]) => forcing.includes(field) && urns.some((u) => replaced.has(u)))
        .map(([field]) => field);
      if (!inherited.length) continue;
      c.op = "replace";
      c.replaceFields = [...new Set([...c.replaceFields, ...inherited])];
      c.fields = [...new Set([...c.replaceFields, ...c.fields])];
      moved = true;
    }
  }
}
