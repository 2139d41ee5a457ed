/**
 * Replace-forcing ("ForceNew" / immutable) input fields of the stateful resource types, as the
 * provider defines them. Changing one makes `pulumi up` replace the resource, i.e. destroy data
 * or key material; the failover test asserts that none of them moves when `primaryRegion` does.
 *
 * Sources (terraform-provider-google, which @pulumi/gcp bridges):
 * - sql: google/services/sql/resource_sql_database_instance.go — region, name, project,
 *   encryption_key_name, settings.collation, replica_configuration are ForceNew;
 *   master_instance_name is ForceNew except on the two sides of a switchover (CustomizeDiff
 *   isSwitchoverFromOldPrimarySide), which is why it is listed under `switchover`.
 * - redis: mmv1/products/redis/Instance.yaml — name, region, project, tier, authorized_network,
 *   connect_mode, reserved_ip_range, transit_encryption_mode, customer_managed_key, location_id
 *   are immutable.
 * - kms: mmv1/products/kms/CryptoKey.yaml and KeyRing.yaml — name, key_ring, purpose,
 *   skip_initial_version_creation, import_only, destroy_scheduled_duration,
 *   version_template.protection_level; key ring name, location, project.
 * - compute: mmv1/products/compute/Subnetwork.yaml, Network.yaml — name, network, region,
 *   project; auto_create_subnetworks.
 */
export interface ReplaceFields {
  /** Dotted paths into the inputs. */
  always: string[];
  /** Replace-forcing unless the change is a switchover of roles between the cluster's instances. */
  switchover?: string[];
}

export const REPLACE_FIELDS: Record<string, ReplaceFields> = {
  "gcp:sql/databaseInstance:DatabaseInstance": {
    always: ["name", "project", "region", "encryptionKeyName", "settings.collation", "replicaConfiguration"],
    switchover: ["masterInstanceName"],
  },
  "gcp:redis/instance:Instance": {
    always: [
      "name",
      "project",
      "region",
      "tier",
      "authorizedNetwork",
      "connectMode",
      "reservedIpRange",
      "transitEncryptionMode",
      "customerManagedKey",
      "locationId",
    ],
  },
  "gcp:kms/cryptoKey:CryptoKey": {
    always: [
      "name",
      "keyRing",
      "purpose",
      "skipInitialVersionCreation",
      "importOnly",
      "destroyScheduledDuration",
      "versionTemplate.protectionLevel",
    ],
  },
  "gcp:kms/keyRing:KeyRing": { always: ["name", "location", "project"] },
  "gcp:compute/subnetwork:Subnetwork": { always: ["name", "network", "region", "project"] },
  "gcp:compute/network:Network": { always: ["name", "project", "autoCreateSubnetworks"] },
};

export function valueAtPath(object: Record<string, unknown>, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>(
      (node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined),
      object,
    );
}
