import { CapturedResource } from "../model";

/**
 * The order in which the Pulumi engine would create the registrations. The Node SDK sends a
 * resource's RegisterResource only after its parent's URN, its provider and every dependency
 * (`dependsOn`, expanded to a component's children, and the resources its inputs come from)
 * have resolved, which for a custom resource is when its create has finished
 * (@pulumi/pulumi runtime/resource.js, prepareResource). So B starts after A finishes exactly when
 * A is an ancestor of B in this graph; resources with no path between them run concurrently.
 */
export class ApplyOrder {
  private readonly predecessors = new Map<string, string[]>();
  private readonly memo = new Map<string, Set<string>>();

  /**
   * @param existing resources that already exist (an update of a deployed stack): they are done
   * before anything starts.
   */
  constructor(
    resources: CapturedResource[],
    private readonly existing: ReadonlySet<string> = new Set(),
  ) {
    const known = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
      const preds = new Set<string>([...r.dependencies, ...Object.values(r.propertyDependencies).flat()]);
      if (r.parent) preds.add(r.parent);
      if (r.provider) preds.add(providerUrn(r.provider));
      preds.delete(r.urn);
      this.predecessors.set(
        r.urn,
        [...preds].filter((u) => known.has(u)),
      );
    }
  }

  /** Every resource that has finished before `urn` starts. */
  ancestors(urn: string): Set<string> {
    const cached = this.memo.get(urn);
    if (cached) return cached;
    // Iterative post-order: long dependency chains must not overflow the call stack.
    const stack: { urn: string; expanded: boolean }[] = [{ urn, expanded: false }];
    const onStack = new Set<string>();
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (this.memo.has(top.urn)) {
        stack.pop();
        continue;
      }
      const preds = this.predecessors.get(top.urn) ?? [];
      if (!top.expanded) {
        top.expanded = true;
        onStack.add(top.urn);
        for (const p of preds)
          if (!this.memo.has(p) && !onStack.has(p)) stack.push({ urn: p, expanded: false });
        continue;
      }
      const all = new Set<string>();
      for (const p of preds) {
        all.add(p);
        for (const a of this.memo.get(p) ?? []) all.add(a);
      }
      this.memo.set(top.urn, all);
      onStack.delete(top.urn);
      stack.pop();
    }
    return this.memo.get(urn) ?? new Set();
  }

  /** Whether the resource exists before anything starts (an update of a deployed stack). */
  isExisting(urn: string): boolean {
    return this.existing.has(urn);
  }

  /** True when `before` has finished by the time `after` starts. */
  precedes(before: string, after: string): boolean {
    return this.existing.has(before) || this.ancestors(after).has(before);
  }

  /** The resources that start after `from` has finished and finish before `to` starts. */
  between(from: string, to: string, candidates: CapturedResource[]): CapturedResource[] {
    const beforeTo = this.ancestors(to);
    return candidates.filter((c) => beforeTo.has(c.urn) && this.ancestors(c.urn).has(from));
  }
}

/** A provider reference is `urn::id`; the URN is everything before the last `::`. */
export function providerUrn(ref: string): string {
  const cut = ref.lastIndexOf("::");
  return cut > 0 ? ref.slice(0, cut) : ref;
}
