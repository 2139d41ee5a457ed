import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { ChangeOp, ResourceChange } from "./diff";
import { KUBERNETES_PROVIDER } from "./kubernetesProviders";

/** The engine's step operations in the guard's terms: both halves of a replacement are a replace. */
const OPS: Partial<Record<OpType, ChangeOp>> = {
  same: "same",
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  import: "create",
  "import-replacement": "replace",
};

/**
 * The changes a real `pulumi preview` announces, from the engine events the Automation API
 * streams (`onEvent`): one per resource, its `resourcePreEvent` step. The same shape as the
 * offline diff, so one guard judges both.
 */
export function changesFromEngineEvents(events: EngineEvent[]): ResourceChange[] {
  const byUrn = new Map<string, ResourceChange>();
  for (const event of events) {
    const meta = event.resourcePreEvent?.metadata;
    const op = meta && OPS[meta.op];
    // Providers are steps too; the Kubernetes ones matter to the guard (their replacement
    // re-creates every object they manage), the others carry no state.
    const provider = meta?.type.startsWith("pulumi:providers:") && meta.type !== KUBERNETES_PROVIDER;
    if (!meta || !op || provider || meta.type === "pulumi:pulumi:Stack") continue;
    // A replacement comes as several steps (with delete-before-replace, the delete-replaced one
    // first, carrying no keys): merge them, so the replace keeps the keys that force it.
    const prior = byUrn.get(meta.urn);
    const keys = [...new Set([...(prior?.replaceFields ?? []), ...(meta.keys ?? [])])];
    const fields = [...new Set([...(prior?.fields ?? []), ...keys, ...(meta.diffs ?? [])])];
    const merged: ChangeOp = prior?.op === "replace" ? "replace" : op;
    byUrn.set(meta.urn, {
      urn: meta.urn,
      type: meta.type,
      op: merged,
      fields,
      replaceFields: merged === "replace" ? keys : [],
      oldInputs: meta.old?.inputs ?? prior?.oldInputs,
      newInputs: meta.new?.inputs ?? prior?.newInputs,
    });
  }
  return [...byUrn.values()];
}
