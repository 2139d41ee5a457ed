import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { grantPropagation } from "./lib/propagation";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";
import {
  AgentRef,
  DESTROY_SCHEDULED_DURATION,
  KEY_RING_CLASSES,
  KEY_RINGS,
  KEY_USER_ROLE,
  KeyRingClass,
  ROTATION_PERIOD,
  SIGNING_ALGORITHM,
  SIGNING_KEYS,
  SigningKeyName,
  STORE_KEYS,
  StoreKeyName,
} from "../catalogue/keys";

export interface KeyHierarchyArgs {
  /**
   * Protect the stateful resources (`protect`, and the provider's and API's deletion guards).
   * Only an ephemeral environment (staging, `ephemeral: true`) turns it off, to be destroyed.
   * @default true
   */
  protect?: boolean;
  /** The KMS project holding both hierarchies. */
  project: pulumi.Input<string>;
  /** Serving regions: rings of scope "serving" and their keys exist in each. */
  regions: readonly Region[];
  /** The audit log's region: rings of scope "audit" exist only there. */
  auditRegion: Region;
  /** Resolves the IAM member of a service agent named in the key catalogue. */
  agentMember: (agent: AgentRef) => pulumi.Input<string>;
  /** Base labels; `data-class` is set per ring. */
  labels: StandardLabels;
}

/**
 * Both key hierarchies in the KMS project: per region, one ring per data class (see
 * catalogue/keys.ts), the CMEK keys of the stores, and the encrypter/decrypter grant of each key to
 * exactly the service agents that use it. Rings and keys are protected and retained on delete: no
 * deployment destroys key material (ENC-05). The tenants' KEKs live in the tenant-kek rings but in
 * stacks of their own, a shard of tenants each (tenantKeys/, docs/tenant-keys.md).
 */
export class KeyHierarchy extends pulumi.ComponentResource {
  public readonly rings: Record<Region, Partial<Record<KeyRingClass, gcp.kms.KeyRing>>>;
  public readonly storeKeys: Record<StoreKeyName, Partial<Record<Region, gcp.kms.CryptoKey>>>;
  /** The attestors' signing keys (SIGNING_KEYS), per region. */
  public readonly signingKeys: Record<SigningKeyName, Partial<Record<Region, gcp.kms.CryptoKey>>>;
  /** The agent grants of each store key: a store depends on them so it is never created before its key is usable. */
  public readonly storeKeyGrants: Record<StoreKeyName, Partial<Record<Region, gcp.kms.CryptoKeyIAMMember[]>>>;
  /**
   * Finishes once the agent grants have propagated (IAM_PROPAGATION_WAIT after the last one): Cloud
   * SQL, GKE, Artifact Registry, Secret Manager and the others check the key grant on create and the
   * provider does not retry their 403 (components/lib/propagation.ts).
   */
  public readonly grantsPropagated: time.Sleep;

  constructor(name: string, args: KeyHierarchyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:kms:KeyHierarchy", name, {}, opts);
    const protect = args.protect ?? true;
    // Ephemeral key material goes with its project: Cloud KMS never deletes rings or keys, so
    // only the retained, protected ones of a lasting environment stay in the state.
    const keep: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };
    const rings = {} as Record<Region, Partial<Record<KeyRingClass, gcp.kms.KeyRing>>>;
    const storeKeys = Object.fromEntries(STORE_KEYS.map((k) => [k.name, {}])) as Record<
      StoreKeyName,
      Partial<Record<Region, gcp.kms.CryptoKey>>
    >;
    const storeKeyGrants = Object.fromEntries(STORE_KEYS.map((k) => [k.name, {}])) as Record<
      StoreKeyName,
      Partial<Record<Region, gcp.kms.CryptoKeyIAMMember[]>>
    >;
    const ringRegions = (ringClass: KeyRingClass): readonly Region[] =>
      KEY_RINGS[ringClass].scope === "audit" ? [args.auditRegion] : args.regions;
    const grantNames: string[] = [];
    const allRegions = [...new Set([...args.regions, args.auditRegion])];

    const ringOf = (region: Region, ringClass: KeyRingClass): gcp.kms.KeyRing => {
      const ring = rings[region][ringClass];
      if (!ring) throw new Error(`${name}: no ${ringClass} key ring in ${region}`);
      return ring;
    };
    for (const region of allRegions) {
      rings[region] = {};
      for (const ringClass of KEY_RING_CLASSES.filter((c) => ringRegions(c).includes(region))) {
        rings[region][ringClass] = new gcp.kms.KeyRing(
          `${name}-${region}-${ringClass}`,
          { project: args.project, location: region, name: ringClass },
          keep,
        );
      }
      const newKey = (
        resourceName: string,
        keyName: string,
        ringClass: KeyRingClass,
        extra: Record<string, string>,
      ) =>
        new gcp.kms.CryptoKey(
          resourceName,
          {
            name: keyName,
            keyRing: ringOf(region, ringClass).id,
            purpose: "ENCRYPT_DECRYPT",
            rotationPeriod: ROTATION_PERIOD,
            destroyScheduledDuration: DESTROY_SCHEDULED_DURATION,
            // PREVENT: the provider refuses to delete the key even if protect and retainOnDelete are
            // lifted. DELETE (ephemeral) schedules its versions' destruction with the project.
            deletionPolicy: protect ? "PREVENT" : "DELETE",
            versionTemplate: {
              algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION",
              protectionLevel: KEY_RINGS[ringClass].protectionLevel,
            },
            labels: { ...args.labels, "data-class": KEY_RINGS[ringClass].dataClass, ...extra },
          },
          keep,
        );

      for (const spec of STORE_KEYS.filter((k) => ringRegions(k.ring).includes(region))) {
        const key = newKey(`${name}-${region}-${spec.name}`, spec.name, spec.ring, { store: spec.name });
        storeKeys[spec.name][region] = key;
        storeKeyGrants[spec.name][region] = (spec.agents as readonly AgentRef[]).map((agent) => {
          const grantName = `${name}-${region}-${spec.name}-${agent.project}-${agent.service}`;
          grantNames.push(grantName);
          return new gcp.kms.CryptoKeyIAMMember(
            grantName,
            {
              cryptoKeyId: key.id,
              role: KEY_USER_ROLE,
              member: args.agentMember(agent),
            },
            { parent: this },
          );
        });
      }
    }
    const signingKeys = Object.fromEntries(SIGNING_KEYS.map((k) => [k.name, {}])) as Record<
      SigningKeyName,
      Partial<Record<Region, gcp.kms.CryptoKey>>
    >;
    for (const region of args.regions)
      for (const spec of SIGNING_KEYS)
        signingKeys[spec.name][region] = new gcp.kms.CryptoKey(
          `${name}-${region}-${spec.name}`,
          {
            name: spec.name,
            keyRing: ringOf(region, "attestation").id,
            purpose: "ASYMMETRIC_SIGN",
            destroyScheduledDuration: DESTROY_SCHEDULED_DURATION,
            deletionPolicy: protect ? "PREVENT" : "DELETE",
            versionTemplate: {
              algorithm: SIGNING_ALGORITHM,
              protectionLevel: KEY_RINGS.attestation.protectionLevel,
            },
            labels: { ...args.labels, "data-class": KEY_RINGS.attestation.dataClass, signer: spec.project },
          },
          keep,
        );
    const allGrants = Object.values(storeKeyGrants).flatMap((byRegion) => Object.values(byRegion).flat());
    this.grantsPropagated = grantPropagation(`${name}-agent-grants-propagated`, allGrants, grantNames, {
      parent: this,
    });
    this.rings = rings;
    this.storeKeys = storeKeys;
    this.signingKeys = signingKeys;
    this.storeKeyGrants = storeKeyGrants;
    this.registerOutputs({ rings, storeKeys, signingKeys });
  }

  /** The id of a store key in a region, for a resource's `encryptionKeyName`-style field. */
  keyId(key: StoreKeyName, region: Region): pulumi.Output<string> {
    const cryptoKey = this.storeKeys[key][region];
    if (!cryptoKey) throw new Error(`store key ${key} does not exist in ${region}`);
    return cryptoKey.id;
  }

  /** The id of an attestor's signing key in a region. */
  signingKeyId(key: SigningKeyName, region: Region): pulumi.Output<string> {
    const cryptoKey = this.signingKeys[key][region];
    if (!cryptoKey) throw new Error(`signing key ${key} does not exist in ${region}`);
    return cryptoKey.id;
  }

  /** The id of a key ring in a region. */
  ringId(ringClass: KeyRingClass, region: Region): pulumi.Output<string> {
    const ring = this.rings[region]?.[ringClass];
    if (!ring) throw new Error(`key ring ${ringClass} does not exist in ${region}`);
    return ring.id;
  }

  /**
   * What a store encrypted with a key waits for: the key's agent grants in the region (none where
   * the key does not exist), and their propagation.
   */
  grantsOf(key: StoreKeyName, region: Region): pulumi.Resource[] {
    const grants = this.storeKeyGrants[key][region] ?? [];
    return grants.length ? [...grants, this.grantsPropagated] : [];
  }
}
