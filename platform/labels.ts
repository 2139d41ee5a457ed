import { DataClass } from "../vocabulary/dataClass";
import { StandardLabels } from "../vocabulary/labels";
import { PlatformConfig } from "./config/types";

export function standardLabels(
  config: Pick<PlatformConfig, "environment" | "owner">,
  dataClass: DataClass,
): StandardLabels {
  return { env: config.environment, "data-class": dataClass, owner: config.owner, "managed-by": "pulumi" };
}
