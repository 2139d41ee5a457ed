/** One registration as the engine saw it; the common currency of plan, export, policy and tests. */
export interface CapturedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  custom: boolean;
  id?: string;
  /** Inputs as registered; secrets keep Pulumi's secret signature. */
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Provider reference `urn::id`; custom resources only. */
  provider?: string;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  /** The `aliases` option, where given: where the resource's state was before it moved. */
  aliases?: string[];
}

/** A registration with every option at the engine's default; `fields` sets the rest. */
export function capturedResource(
  fields: Pick<CapturedResource, "urn" | "type" | "name" | "custom" | "inputs"> & Partial<CapturedResource>,
): CapturedResource {
  return {
    outputs: fields.inputs,
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: false,
    dependencies: [],
    propertyDependencies: {},
    ignoreChanges: [],
    replaceOnChanges: [],
    additionalSecretOutputs: [],
    ...fields,
  };
}

/** What `pulumi up` creates in the cloud: custom resources other than providers. */
export const isCloudResource = (r: CapturedResource): boolean =>
  r.custom && !r.type.startsWith("pulumi:providers:");

/** The stack a URN belongs to (`urn:pulumi:<stack>::…`). */
export const stackOfUrn = (urn: string | undefined): string | undefined =>
  /^urn:pulumi:([A-Za-z0-9_.-]{1,100})::/.exec(urn ?? "")?.[1];

/** The resource name a URN ends with, for messages. */
export const shortUrn = (urn: string): string => urn.split("::").pop() ?? urn;
