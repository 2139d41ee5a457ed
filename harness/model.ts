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
}
