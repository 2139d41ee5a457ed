import { DataClass, PlatformConfig } from "./config/types";

/** The labels every labelled resource carries (control GOV-02). */
export interface StandardLabels {
  env: string;
  "data-class": DataClass;
  owner: string;
  [key: string]: string;
}

export function standardLabels(
  config: Pick<PlatformConfig, "environment" | "owner">,
  dataClass: DataClass,
): StandardLabels {
  return { env: config.environment, "data-class": dataClass, owner: config.owner, "managed-by": "pulumi" };
}
