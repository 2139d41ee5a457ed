import * as ipaddr from "ipaddr.js";
import { ALLOWED_REGIONS, Region } from "../../vocabulary/regions";

/**
 * The address plan: a pure function from the stack's supernet to every range the networks use.
 * Each VPC owns one half of the supernet; inside it every allowed region has a fixed slot, so
 * adding a region or a network never moves an existing range.
 *
 *   supernet /12 ─┬─ platform /13 ─┬─ pods       /16 per region slot (4 slots: room for 2 more regions)
 *                 │                ├─ nodes      /20 per region slot
 *                 │                ├─ services   /20 per region slot
 *                 │                ├─ private service access (Cloud SQL, Memorystore) /16
 *                 │                ├─ Private Service Connect NAT /24 per region slot (seventh /16)
 *                 │                └─ reserved
 *                 └─ cde /13 (same layout)
 */
export const NETWORK_ROLES = ["platform", "cde"] as const;
export type NetworkRole = (typeof NETWORK_ROLES)[number];

export const REGION_SLOTS = 4;

export interface RegionRanges {
  nodes: string;
  pods: string;
  services: string;
}

export interface NetworkPlan {
  cidr: string;
  privateServiceAccess: string;
  /**
   * Per region, the NAT range a Private Service Connect service published from this network
   * translates consumers into (a `PRIVATE_SERVICE_CONNECT` subnet; only the cde publishes one).
   */
  privateServiceConnectNat: Partial<Record<Region, string>>;
  regions: Partial<Record<Region, RegionRanges>>;
}

export type AddressPlan = Record<NetworkRole, NetworkPlan>;

export function planAddresses(supernet: string, regions: readonly Region[]): AddressPlan {
  const [base, prefix] = parseNetwork(supernet);
  if (prefix > 12) throw new Error(`address space ${supernet} is smaller than the /12 the plan needs`);
  const plan = {} as AddressPlan;
  NETWORK_ROLES.forEach((role, n) => {
    const net = base + n * size(13);
    const regionRanges: Partial<Record<Region, RegionRanges>> = {};
    const pscNat: Partial<Record<Region, string>> = {};
    for (const region of regions) {
      const slot = ALLOWED_REGIONS.indexOf(region);
      if (slot < 0 || slot >= REGION_SLOTS) throw new Error(`region ${region} has no address slot`);
      const smallBlocks = net + 4 * size(16); // fifth /16: nodes and services of every slot
      regionRanges[region] = {
        pods: cidr(net + slot * size(16), 16),
        nodes: cidr(smallBlocks + slot * size(20), 20),
        services: cidr(smallBlocks + (REGION_SLOTS + slot) * size(20), 20),
      };
      pscNat[region] = cidr(net + 6 * size(16) + slot * size(24), 24);
    }
    plan[role] = {
      cidr: cidr(net, 13),
      privateServiceAccess: cidr(net + 5 * size(16), 16),
      privateServiceConnectNat: pscNat,
      regions: regionRanges,
    };
  });
  return plan;
}

/** Every range of a plan, flattened, for overlap checks in tests and policies. */
export function allRanges(plan: AddressPlan): { name: string; cidr: string }[] {
  return NETWORK_ROLES.flatMap((role) => [
    { name: `${role}/private-service-access`, cidr: plan[role].privateServiceAccess },
    ...Object.entries(plan[role].privateServiceConnectNat).map(([region, c]) => ({
      name: `${role}/${region}/psc-nat`,
      cidr: c as string,
    })),
    ...Object.entries(plan[role].regions).flatMap(([region, r]) =>
      Object.entries(r as RegionRanges).map(([kind, c]) => ({ name: `${role}/${region}/${kind}`, cidr: c })),
    ),
  ]);
}

export function rangesOverlap(a: string, b: string): boolean {
  const [aBase, aPrefix] = parseNetwork(a);
  const [bBase, bPrefix] = parseNetwork(b);
  return aBase < bBase + size(bPrefix) && bBase < aBase + size(aPrefix);
}

/** The RFC 1918 blocks, the only ranges GKE accepts as authorized networks of a private endpoint. */
export const RFC1918_BLOCKS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Whether a CIDR lies wholly inside one RFC 1918 block (a /7 that starts at 10.0.0.0 does not). */
export function isRfc1918(value: string): boolean {
  try {
    const [base, prefix] = parseNetwork(value);
    return RFC1918_BLOCKS.some((block) => {
      const [blockBase, blockPrefix] = parseNetwork(block);
      return prefix >= blockPrefix && base - (base % size(blockPrefix)) === blockBase;
    });
  } catch {
    return false;
  }
}

export function parseNetwork(value: string): [number, number] {
  const [address, prefix] = ipaddr.IPv4.parseCIDR(value);
  const bytes = address.toByteArray();
  const base = ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
  return [base - (base % size(prefix)), prefix];
}

function size(prefix: number): number {
  return 2 ** (32 - prefix);
}

function cidr(base: number, prefix: number): string {
  const octets = [base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255];
  return `${octets.join(".")}/${prefix}`;
}
