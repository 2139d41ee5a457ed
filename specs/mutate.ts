import { CapturedResource, capturedResource } from "../engine/model";
import { evaluatePacks, isDeeplyFrozen, MessageCache, Violation } from "../engine/policyEvaluator";
import { CI_IDENTITY_PACK, PACKS, TENANT_KEY_PACK } from "../policies/packs";

export type Mutation = (resources: CapturedResource[]) => CapturedResource[];

/** Deep copy, so every case starts from the untouched plan. */
export function clone(resources: CapturedResource[]): CapturedResource[] {
  return JSON.parse(JSON.stringify(resources));
}

/**
 * What a mutation returns of the resources it does not change: a deep copy (clone's), except a
 * resource frozen deeply (frozenPlan), which nobody can write to and is shared as it is.
 */
function unchanged(resources: CapturedResource[]): CapturedResource[] {
  return resources.map((r) => (isDeeplyFrozen(r) ? r : clone([r])[0]));
}

/** Changes one resource's inputs and outputs alike (as a changed program would). */
export function editResource(
  name: string,
  edit: (props: Record<string, unknown>, r: CapturedResource) => void,
): Mutation {
  return (resources) => {
    const target = resources.filter((r) => r.name === name);
    if (target.length !== 1) throw new Error(`mutation target ${name} matched ${target.length} resources`);
    const [edited] = clone(target);
    edit(edited.inputs, edited);
    edit(edited.outputs, edited);
    return unchanged(resources).map((r) => (r.name === name ? edited : r));
  };
}

export function removeResource(name: string): Mutation {
  return (resources) => {
    const copy = unchanged(resources.filter((r) => r.name !== name));
    if (copy.length !== resources.length - 1) throw new Error(`mutation target ${name} not found`);
    return copy;
  };
}

export function addResource(
  template: Partial<CapturedResource> & { type: string; name: string; inputs: Record<string, unknown> },
): Mutation {
  return (resources) => [
    ...unchanged(resources),
    capturedResource({
      urn: `urn:pulumi:prod::qairopay-platform::${template.type}::${template.name}`,
      custom: true,
      id: template.name,
      ...template,
    }),
  ];
}

// The cases evaluate the same few plans with one resource changed, hundreds of times: each
// unchanged resource's message is built, and converted back by the analyzer, once per test file.
const messages = new MessageCache();

/**
 * The violations of every pack, or of one policy. Policies are evaluated independently of each
 * other, so one policy is run alone, in its own pack: the same violations, a fraction of the time.
 */
export async function violationsOf(resources: CapturedResource[], policyName?: string): Promise<Violation[]> {
  if (!policyName) return evaluatePacks(PACKS, resources, {}, messages);
  const pack = [...PACKS, TENANT_KEY_PACK, CI_IDENTITY_PACK].find((p) =>
    p.policies.some((x) => x.name === policyName),
  );
  if (!pack) throw new Error(`no policy ${policyName}`);
  const only = { ...pack, policies: pack.policies.filter((x) => x.name === policyName) };
  return (await evaluatePacks([only], resources, {}, messages)).filter((v) => v.policyName === policyName);
}

export function urnOf(resources: CapturedResource[], name: string): string {
  const r = resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r.urn;
}
