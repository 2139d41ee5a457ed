// The regions are vocabulary every room shares; kept here so the platform's imports read on.
export { ALLOWED_REGIONS } from "../../vocabulary/regions";
export type { Region } from "../../vocabulary/regions";
