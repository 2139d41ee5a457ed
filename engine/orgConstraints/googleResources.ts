import { fromJson } from "@bufbuild/protobuf";
import { DurationSchema, type Duration } from "@bufbuild/protobuf/wkt";
import { CapturedResource } from "../model";

/**
 * A planned resource as Google's Organization Policy Service sees it on CREATE: the REST body the
 * provider sends (`resource.<field>` in a custom constraint), built from the provider's inputs the
 * way terraform-provider-google builds its request — with its schema defaults where an input is
 * left unset (ipv4_enabled true, availability_type ZONAL, transit_encryption_mode DISABLED, …), and
 * without what it never sends (a GKE cluster's output-only `location`; Cloud KMS's server-side
 * default of destroyScheduledDuration).
 * Only the fields the constraints read are modelled (and each resource's name, for reading);
 * durations become CEL durations, as Google types them (google.protobuf.Duration).
 */
export interface GoogleResource {
  type: string;
  resource: Record<string, unknown>;
}

type Inputs = Record<string, unknown>;
type View = (i: Inputs) => Record<string, unknown>;

const obj = (v: unknown): Inputs => (v && typeof v === "object" && !Array.isArray(v) ? (v as Inputs) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Drops undefined members, so `has()` is false for what the request leaves out. Nested messages
 * the request leaves out are given as `{}` by the views: Google evaluates protobuf messages, where
 * an unset message reads as an empty one and `has(a.b.c)` is false, whereas on a JSON map a
 * missing `a.b` is an error.
 */
export function compact(value: Inputs): Inputs {
  const out: Inputs = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[k] = v && typeof v === "object" && !Array.isArray(v) && !isDuration(v) ? compact(v as Inputs) : v;
  }
  return out;
}

function isDuration(v: object): boolean {
  return (v as { $typeName?: string }).$typeName === "google.protobuf.Duration";
}

/** "7776000s" → a google.protobuf.Duration (its JSON form); anything else stays as given (and fails to compare). */
export function duration(value: unknown): Duration | unknown {
  try {
    return fromJson(DurationSchema, value as string);
  } catch {
    return value;
  }
}

const sqlInstance: View = (i) => {
  const s = obj(i.settings);
  const ip = obj(s.ipConfiguration);
  const backup = obj(s.backupConfiguration);
  return {
    name: i.name,
    region: i.region,
    masterInstanceName: i.masterInstanceName,
    diskEncryptionConfiguration: { kmsKeyName: i.encryptionKeyName },
    settings: {
      availabilityType: s.availabilityType ?? "ZONAL",
      databaseFlags: list(s.databaseFlags).map((f) => ({ name: obj(f).name, value: obj(f).value })),
      ipConfiguration: {
        ipv4Enabled: ip.ipv4Enabled ?? true,
        sslMode: ip.sslMode ?? "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
      },
      backupConfiguration: {
        enabled: backup.enabled ?? false,
        pointInTimeRecoveryEnabled: backup.pointInTimeRecoveryEnabled ?? false,
      },
    },
  };
};

const redisInstance: View = (i) => ({
  name: i.name,
  tier: i.tier,
  customerManagedKey: i.customerManagedKey,
  transitEncryptionMode: i.transitEncryptionMode ?? "DISABLED",
  authEnabled: i.authEnabled ?? false,
  connectMode: i.connectMode ?? "DIRECT_PEERING",
});

/**
 * The cluster the provider creates (magic-modules resource_container_cluster.go.tmpl): the region
 * is in the request URL, not the body; private nodes go out as networkConfig.defaultEnablePrivateNodes,
 * and privateClusterConfig only when it names a masterIpv4CidrBlock.
 */
const gkeCluster: View = (i) => {
  const authorized = i.masterAuthorizedNetworksConfig ? obj(i.masterAuthorizedNetworksConfig) : undefined;
  const defaults = obj(obj(i.clusterAutoscaling).autoProvisioningDefaults);
  const privateCluster = obj(i.privateClusterConfig);
  return {
    name: i.name,
    // Plain proto3 bools: false is the unset default, which has() reads as absent.
    autopilot: i.enableAutopilot === true ? { enabled: true } : {},
    databaseEncryption: i.databaseEncryption ?? { state: "DECRYPTED" },
    networkConfig: privateCluster.enablePrivateNodes === true ? { defaultEnablePrivateNodes: true } : {},
    privateClusterConfig: privateCluster.masterIpv4CidrBlock
      ? {
          masterIpv4CidrBlock: privateCluster.masterIpv4CidrBlock,
          enablePrivateNodes: privateCluster.enablePrivateNodes,
        }
      : {},
    binaryAuthorization: i.binaryAuthorization ?? {},
    legacyAbac: i.enableLegacyAbac === true ? { enabled: true } : {},
    masterAuthorizedNetworksConfig:
      authorized === undefined
        ? {}
        : {
            cidrBlocks: list(authorized.cidrBlocks).map((b) => ({ cidrBlock: obj(b).cidrBlock })),
          },
    // The provider sends service_account "default" when it is unset (its schema Default), and the
    // whole auto-provisioning defaults only when the block is there.
    autoscaling: i.clusterAutoscaling
      ? {
          autoprovisioningNodePoolDefaults: {
            bootDiskKmsKey: defaults.bootDiskKmsKey,
            serviceAccount: defaults.serviceAccount ?? "default",
          },
        }
      : {},
  };
};

const cryptoKey: View = (i) => ({
  purpose: i.purpose ?? "ENCRYPT_DECRYPT",
  rotationPeriod: i.rotationPeriod === undefined ? undefined : duration(i.rotationPeriod),
  destroyScheduledDuration:
    i.destroyScheduledDuration === undefined ? undefined : duration(i.destroyScheduledDuration),
  versionTemplate: i.versionTemplate ?? {},
});

const firewall: View = (i) => ({
  name: i.name,
  direction: i.direction,
  sourceRanges: i.sourceRanges ?? [],
  allowed: list(i.allows).map((r) => ({ IPProtocol: obj(r).protocol, ports: obj(r).ports ?? undefined })),
});

const subnetwork: View = (i) => ({
  name: i.name,
  purpose: i.purpose ?? "PRIVATE",
  privateIpGoogleAccess: i.privateIpGoogleAccess ?? false,
  // The provider turns a log_config block into logConfig.enable = true.
  logConfig: { enable: i.logConfig !== undefined },
});

const repository: View = (i) => ({
  name: `projects/${String(i.project)}/locations/${String(i.location)}/repositories/${String(i.repositoryId)}`,
  kmsKeyName: i.kmsKeyName,
});

const bucket: View = (i) => ({
  name: i.name,
  encryption: i.encryption ?? {},
  iamConfiguration: { publicAccessPrevention: i.publicAccessPrevention ?? "inherited" },
});

/** Pulumi type → the resource type Google's custom constraints name, and its view. */
export const GOOGLE_RESOURCES: Record<string, { type: string; view: View }> = {
  "gcp:sql/databaseInstance:DatabaseInstance": {
    type: "sqladmin.googleapis.com/Instance",
    view: sqlInstance,
  },
  "gcp:redis/instance:Instance": { type: "redis.googleapis.com/Instance", view: redisInstance },
  "gcp:container/cluster:Cluster": { type: "container.googleapis.com/Cluster", view: gkeCluster },
  "gcp:kms/cryptoKey:CryptoKey": { type: "cloudkms.googleapis.com/CryptoKey", view: cryptoKey },
  "gcp:compute/firewall:Firewall": { type: "compute.googleapis.com/Firewall", view: firewall },
  "gcp:compute/subnetwork:Subnetwork": { type: "compute.googleapis.com/Subnetwork", view: subnetwork },
  "gcp:artifactregistry/repository:Repository": {
    type: "artifactregistry.googleapis.com/Repository",
    view: repository,
  },
  "gcp:storage/bucket:Bucket": { type: "storage.googleapis.com/Bucket", view: bucket },
};

/** The planned resource as Google evaluates it, or undefined for a type no constraint reads. */
export function googleResource(r: CapturedResource): GoogleResource | undefined {
  const known = GOOGLE_RESOURCES[r.type];
  return known && { type: known.type, resource: compact(known.view(r.inputs)) };
}
