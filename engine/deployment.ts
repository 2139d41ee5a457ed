/* eslint-disable @typescript-eslint/no-require-imports */
import { CapturedResource } from "./model";

const rpc = require("@pulumi/pulumi/runtime/rpc");
const pulumiVersion: string = require("@pulumi/pulumi/package.json").version;

/** The secret envelope of a Pulumi state file (sdk/go/common/resource/sig). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * What a secret of a `pulumi stack export` (without `--show-secrets`) holds offline: the state has
 * only its ciphertext, which only the stack's secrets provider can decrypt. A comparison treats it
 * as unchanged (engine/preview/diff.ts): nothing offline can tell otherwise.
 */
export const UNDECRYPTED_SECRET = "[secret: ciphertext not decrypted]";

/** Secret envelopes unwrapped, as a provider sees values after decrypting; for reading, never for printing. */
export function plain(value: unknown): unknown {
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG_KEY] === SECRET_SIG) return plain(record.value);
    if (Array.isArray(value)) return value.map(plain);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export interface DeploymentResource {
  urn: string;
  custom: boolean;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  provider?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  ignoreChanges?: string[];
  additionalSecretOutputs?: string[];
  deleteBeforeReplace?: boolean;
}

export interface Deployment {
  version: 3;
  deployment: { manifest: Record<string, unknown>; resources: DeploymentResource[] };
}

/**
 * The captured registrations in the format of `pulumi stack export` (version 3). Secrets use the
 * state file's envelope with a `plaintext` field, as `pulumi stack export --show-secrets` writes
 * them: offline values are placeholders and mock outputs, never real secrets.
 */
export function toDeployment(resources: CapturedResource[]): Deployment {
  return {
    version: 3,
    deployment: {
      manifest: { time: new Date().toISOString(), magic: "", version: `v${pulumiVersion}` },
      resources: resources.map((r) => ({
        urn: r.urn,
        custom: r.custom,
        type: r.type,
        ...(r.custom ? { id: r.id ?? "" } : {}),
        inputs: toStateSecrets(r.inputs),
        outputs: toStateSecrets(r.outputs),
        ...(r.parent ? { parent: r.parent } : {}),
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        ...(r.provider ? { provider: r.provider } : {}),
        ...(r.protect ? { protect: true } : {}),
        ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
        ...(r.ignoreChanges.length ? { ignoreChanges: r.ignoreChanges } : {}),
        ...(r.additionalSecretOutputs.length ? { additionalSecretOutputs: r.additionalSecretOutputs } : {}),
        ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
      })),
    },
  };
}

function toStateSecrets(value: unknown): never {
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[rpc.specialSigKey] === rpc.specialSecretSig) {
      return { [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(record.value ?? null) } as never;
    }
    if (Array.isArray(value)) return value.map(toStateSecrets) as never;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, toStateSecrets(v)])) as never;
  }
  return value as never;
}
