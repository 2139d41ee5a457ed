import { CapturedResource } from "../model";
import { compact, googleResource } from "../orgConstraints/googleResources";

/**
 * A planned resource as Security Health Analytics reads it once it exists: its Cloud Asset
 * Inventory data, which is the resource Google stores (the create request of
 * engine/orgConstraints/googleResources.ts, with Google's defaults) plus what only the stored
 * resource carries — a cluster's location, a key's full name, a bucket's retention. JSON's shapes
 * stay: int64 fields are strings, unset proto3 booleans are absent.
 */
export interface Asset {
  type: string;
  resource: Record<string, unknown>;
}

type Inputs = Record<string, unknown>;
const obj = (v: unknown): Inputs => (v && typeof v === "object" && !Array.isArray(v) ? (v as Inputs) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Fields the stored resource has beyond the create request, per Pulumi type. */
const STORED: Record<string, (i: Inputs) => Inputs> = {
  "gcp:sql/databaseInstance:DatabaseInstance": (i) => ({
    settings: {
      ipConfiguration: {
        authorizedNetworks: list(obj(obj(i.settings).ipConfiguration).authorizedNetworks).map((n) => ({
          value: obj(n).value,
        })),
      },
    },
  }),
  // The stored cluster names its location and keeps private nodes under privateClusterConfig
  // whatever the create request used (Container API v1 Cluster).
  "gcp:container/cluster:Cluster": (i) => ({
    location: i.location,
    privateClusterConfig: {
      enablePrivateNodes: obj(i.privateClusterConfig).enablePrivateNodes === true ? true : undefined,
    },
    databaseEncryption: {
      state: obj(i.databaseEncryption).state ?? "DECRYPTED",
      keyName: obj(i.databaseEncryption).keyName,
    },
  }),
  // `projects/P/locations/L/keyRings/R/cryptoKeys/K` (Cloud KMS API CryptoKey.name).
  "gcp:kms/cryptoKey:CryptoKey": (i) => ({ name: `${String(i.keyRing)}/cryptoKeys/${String(i.name)}` }),
  "gcp:storage/bucket:Bucket": (i) => {
    const retention = obj(i.retentionPolicy);
    return {
      retentionPolicy:
        retention.retentionPeriod === undefined
          ? {}
          : {
              retentionPeriod: String(retention.retentionPeriod),
              isLocked: retention.isLocked === true || undefined,
            },
    };
  },
};

function merge(base: Inputs, extra: Inputs): Inputs {
  const out: Inputs = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = base[k];
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" && !Array.isArray(b)
        ? merge(b as Inputs, v as Inputs)
        : v;
  }
  return out;
}

/** The planned resource as its asset, or undefined for a type no module reads. */
export function assetOf(r: CapturedResource): Asset | undefined {
  const request = googleResource(r);
  if (!request) return undefined;
  const stored = STORED[r.type];
  return {
    type: request.type,
    resource: stored ? compact(merge(request.resource, stored(r.inputs))) : request.resource,
  };
}
