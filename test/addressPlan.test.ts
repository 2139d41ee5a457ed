import * as fc from "fast-check";
import { allRanges, parseNetwork, planAddresses, rangesOverlap } from "../components/lib/addressPlan";

describe("address plan", () => {
  test("prod's plan, exactly", () => {
    expect(planAddresses("10.64.0.0/12", ["us-central1", "us-east1"])).toEqual({
      platform: {
        cidr: "10.64.0.0/13",
        privateServiceAccess: "10.69.0.0/16",
        privateServiceConnectNat: { "us-central1": "10.70.0.0/24", "us-east1": "10.70.1.0/24" },
        regions: {
          "us-central1": { pods: "10.64.0.0/16", nodes: "10.68.0.0/20", services: "10.68.64.0/20" },
          "us-east1": { pods: "10.65.0.0/16", nodes: "10.68.16.0/20", services: "10.68.80.0/20" },
        },
      },
      cde: {
        cidr: "10.72.0.0/13",
        privateServiceAccess: "10.77.0.0/16",
        privateServiceConnectNat: { "us-central1": "10.78.0.0/24", "us-east1": "10.78.1.0/24" },
        regions: {
          "us-central1": { pods: "10.72.0.0/16", nodes: "10.76.0.0/20", services: "10.76.64.0/20" },
          "us-east1": { pods: "10.73.0.0/16", nodes: "10.76.16.0/20", services: "10.76.80.0/20" },
        },
      },
    });
  });

  test("a region's ranges do not depend on which other regions exist (room to grow)", () => {
    const both = planAddresses("10.64.0.0/12", ["us-central1", "us-east1"]);
    const one = planAddresses("10.64.0.0/12", ["us-east1"]);
    expect(one.platform.regions["us-east1"]).toEqual(both.platform.regions["us-east1"]);
  });

  test("a supernet smaller than /12 is refused", () => {
    expect(() => planAddresses("10.64.0.0/16", ["us-central1"])).toThrow(
      "address space 10.64.0.0/16 is smaller than the /12 the plan needs",
    );
  });

  test("property: for any /8-/12 private supernet, no two ranges overlap and all lie inside it", () => {
    const supernets = fc.oneof(
      fc.tuple(fc.integer({ min: 8, max: 12 }), fc.integer({ min: 0, max: 255 })).map(([p, b]) => {
        const base = 10 * 2 ** 24 + b * 2 ** 16 - ((10 * 2 ** 24 + b * 2 ** 16) % 2 ** (32 - p));
        return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${p}`;
      }),
      fc.constantFrom("172.16.0.0/12", "192.168.0.0/16".replace("/16", "/12").replace("192.168", "172.16")),
    );
    const regionSets = fc.subarray(["us-central1", "us-east1"] as const, { minLength: 1 });
    fc.assert(
      fc.property(supernets, regionSets, (supernet, regions) => {
        const ranges = allRanges(planAddresses(supernet, regions));
        const [base, prefix] = parseNetwork(supernet);
        for (const r of ranges) {
          const [b, p] = parseNetwork(r.cidr);
          expect(b >= base && b + 2 ** (32 - p) <= base + 2 ** (32 - prefix)).toBe(true);
        }
        for (let i = 0; i < ranges.length; i++) {
          for (let j = i + 1; j < ranges.length; j++) {
            expect([ranges[i].name, ranges[j].name, rangesOverlap(ranges[i].cidr, ranges[j].cidr)]).toEqual([
              ranges[i].name,
              ranges[j].name,
              false,
            ]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  test("rangesOverlap detects containment and adjacency correctly", () => {
    expect(rangesOverlap("10.0.0.0/16", "10.0.128.0/20")).toBe(true);
    expect(rangesOverlap("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
  });
});
