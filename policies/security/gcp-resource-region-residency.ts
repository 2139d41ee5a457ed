import { anyResourcePolicy } from "../lib/define";
import { ALLOWED_REGIONS } from "../lib/gcp";

/** Fields that hold a resource's region or location, by resource type family. */
const LOCATION_FIELDS = ["region", "location"];
/** Locations that are not regions and are allowed where a type requires them. */
const GLOBAL_LOCATIONS = ["global"];

/** An allowed region, a zone of one (`us-east1-b`), or a global location. */
export function isAllowedLocation(location: string): boolean {
  // Cloud Storage spells locations in upper case (US-CENTRAL1).
  const value = location.toLowerCase();
  return (
    ALLOWED_REGIONS.includes(value) ||
    ALLOWED_REGIONS.includes(value.replace(/-[a-z]$/, "")) ||
    GLOBAL_LOCATIONS.includes(value)
  );
}

export const regionalResidency = anyResourcePolicy(
  {
    name: "gcp-resource-region-residency",
    description: "Every regional Google Cloud resource is in us-central1 or us-east1.",
    controls: ["REG-01"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: `Place the resource in one of ${ALLOWED_REGIONS.join(", ")}.`,
  },
  (resource) => {
    if (!resource.type.startsWith("gcp:")) return [];
    return LOCATION_FIELDS.flatMap((field) => {
      const value = resource.props[field];
      if (typeof value !== "string" || isAllowedLocation(value)) return [];
      return [
        { problem: `${field} is ${JSON.stringify(value)}`, fix: `use ${ALLOWED_REGIONS.join(" or ")}` },
      ];
    });
  },
);
