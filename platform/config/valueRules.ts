/*
 * The building blocks of the configuration keys' rules (keys.ts): each message says what is
 * allowed, and read.ts puts the key and the value in front of it.
 */
import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import { ALLOWED_REGIONS } from "../../vocabulary/regions";

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
export const projectId = z.string().regex(PROJECT_ID, {
  message: "must be a Google Cloud project id: 6-30 characters, lower-case letters, digits and '-'",
});
export const numericId = (what: string) =>
  z.string().regex(/^(\d{6,20})?$/, { message: `must be a numeric ${what} id, or empty` });
export const group = z.email({ message: "must be a Google group e-mail address" });
export const region = z.enum(ALLOWED_REGIONS, { message: `must be one of ${ALLOWED_REGIONS.join(", ")}` });
export const int = (min: number, max: number) =>
  z
    .number()
    .int()
    .min(min, { message: `must be between ${min} and ${max}` })
    .max(max, { message: `must be between ${min} and ${max}` });

/** An image in the project's own repository, pinned by digest (a tag could be moved under an admitted name). */
export const migrationImage = z.string().regex(/^([a-z0-9]+([._/-][a-z0-9]+)*@sha256:[0-9a-f]{64})?$/, {
  message:
    "must be empty or an image path in the containers repository pinned by digest, e.g. cloud-sql-proxy@sha256:<64 hex>",
});

export const supernet = z.string().refine(isSupernet, {
  message: "must be a private IPv4 CIDR block (RFC 1918) of prefix length /12 or shorter, e.g. 10.64.0.0/12",
});

/** `name=CIDR`, where the CIDR is valid and never the whole internet. */
export function parseNamedNetwork(value: string): { name: string; cidr: string } | undefined {
  const m = /^([a-z][a-z0-9-]{0,62})=(.+)$/.exec(value);
  if (!m) return undefined;
  try {
    const [, prefix] = ipaddr.IPv4.parseCIDR(m[2]);
    if (prefix < 8 || ipaddr.IPv4.networkAddressFromCIDR(m[2]).toString() !== m[2].split("/")[0])
      return undefined;
  } catch {
    return undefined;
  }
  return { name: m[1], cidr: m[2] };
}

export function isNamedNetwork(value: string): boolean {
  return parseNamedNetwork(value) !== undefined;
}

export function isSupernet(value: string): boolean {
  try {
    const [address, prefix] = ipaddr.IPv4.parseCIDR(value);
    const canonical = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
    return prefix <= 12 && prefix >= 8 && address.range() === "private" && canonical === address.toString();
  } catch {
    return false;
  }
}
