/** The only regions the platform may run in (control REG-01), in address-plan slot order. */
export const ALLOWED_REGIONS = ["us-central1", "us-east1"] as const;
export type Region = (typeof ALLOWED_REGIONS)[number];
