import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Region } from "../../vocabulary/regions";
import { CONFIG_KEYS, ConfigKey } from "./keys";
import { Tenant } from "./tenants";

import { DataClass } from "../../vocabulary/dataClass";
import { ProjectFactory, ProjectIds } from "../../vocabulary/projects";

// Vocabulary shared with components/ (which never import platform/), re-exported for the platform.
export type { DataClass, ProjectFactory, ProjectIds };

type Declaration<K extends ConfigKey> = (typeof CONFIG_KEYS)[K];
/** The keys whose declaration says where their value goes (`at`). */
type PlacedKey = { [K in ConfigKey]: Declaration<K> extends { at: string } ? K : never }[ConfigKey];
/** The value a key places: what its `toConfig` makes of it, or the value its rule validates. */
type PlacedValue<K extends ConfigKey> =
  Declaration<K> extends { toConfig: (value: never) => infer R }
    ? R
    : Declaration<K> extends { schema: z.ZodType<infer V> }
      ? V
      : never;
/** `"sql.tier"`, string → `{ sql: { tier: string } }`. */
type Nested<Path extends string, V> = Path extends `${infer Head}.${infer Rest}`
  ? { [_ in Head]: Nested<Rest, V> }
  : { [_ in Path]: V };
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type Merged<T> = T extends object ? { [K in keyof T]: Merged<T[K]> } : T;

/**
 * The part of the configuration that each key's declaration places (keys.ts `at`, `toConfig`):
 * its names, types and descriptions are the declarations', never written again here.
 */
export type DeclaredConfig = Merged<
  Intersection<{ [K in PlacedKey]: Nested<Declaration<K>["at"] & string, PlacedValue<K>> }[PlacedKey]>
>;

/**
 * The validated configuration of one stack, read once in `index.ts` and passed down: the declared
 * keys where they say, and what read.ts composes from several keys or from files.
 */
export type PlatformConfig = DeclaredConfig & {
  stack: string;
  /** Both serving regions, the primary first. */
  regions: [Region, Region];
  primaryRegion: Region;
  secondaryRegion: Region;
  /** Where created projects go (organizationId or folderId, billingAccount); absent to adopt existing ones. */
  projectFactory?: ProjectFactory;
  tenants: Tenant[];
  sql: {
    /** The cardholder migration Job's images, relative to the cluster project's `containers` repository; absent until mirrored. */
    migrationImages?: { proxy: string; client: string };
  };
  /** Organization Policy (GOV-03): where policies are set (orgPolicyScope, or folder when folderId is set). */
  orgPolicy: { scope: "folder" | "projects" };
  alerting: { pagerDutyServiceKey?: pulumi.Output<string> };
};
