import * as fs from "fs";
import { isDeepStrictEqual } from "util";
import { runOffline } from "../engine/run";
import { loadStack } from "../engine/stackFile";
import { planStack } from "./helpers/plan";

// The plan cache (helpers/planCache.ts) shares plans across test files; these prove that what it
// hands out is the plan itself, a copy per caller, and that a refused configuration is not cached.
describe("the per-run plan cache", () => {
  test("globalSetup made this run's cache directory", () => {
    const dir = process.env.QAIROPAY_PLAN_CACHE ?? "";
    expect(dir).not.toBe("");
    expect(fs.statSync(dir).isDirectory()).toBe(true);
  });

  test("a cached plan is the live plan, value for value (undefined values and secrets included)", async () => {
    const cached = await planStack("staging");
    const again = await planStack("staging");
    expect(fs.readdirSync(process.env.QAIROPAY_PLAN_CACHE ?? "").some((f) => f.endsWith(".plan"))).toBe(true);
    const live = await runOffline(loadStack("staging"));
    expect(isDeepStrictEqual(cached, live)).toBe(true);
    expect(isDeepStrictEqual(again, live)).toBe(true);
  });

  test("each caller gets its own copy: one test's mutation never reaches another's plan", async () => {
    const first = await planStack("staging");
    const second = await planStack("staging");
    expect(first.resources).not.toBe(second.resources);
    first.resources[0].inputs.mutatedByATest = true;
    first.resources.pop();
    expect(second.resources.length).toBe(first.resources.length + 1);
    expect(second.resources[0].inputs).not.toHaveProperty("mutatedByATest");
    expect((await planStack("staging")).resources[0].inputs).not.toHaveProperty("mutatedByATest");
  });

  test("a configuration the program refuses throws every time: errors are never cached", async () => {
    for (let i = 0; i < 2; i++)
      await expect(planStack("staging", { auditLogRetentionDays: 180 })).rejects.toThrow(
        "qairopay-platform:auditLogRetentionDays = 180: must be between 365 and 3650",
      );
  });
});
