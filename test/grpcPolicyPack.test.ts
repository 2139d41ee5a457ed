/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import {
  analyzableResources,
  analyzeRequest,
  analyzeStackRequest,
  evaluatePacks,
  Violation,
  violationsOfResponse,
} from "../engine/policyEvaluator";
import { CapturedResource } from "../engine/model";
import { PACKS } from "../policies/packs";
import { removeResource } from "../specs/mutate";
import { planStack } from "./helpers/plan";

// The modules the engine's gRPC client and the pack's server both use.
const grpc = require("@grpc/grpc-js");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");

const ROOT = path.join(__dirname, "..");
const RUN_POLICY_PACK = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");

let pack: ChildProcess;
let client: any;
let prod: CapturedResource[];

/** Starts `policies/resilience` exactly as the Pulumi engine does, and connects to the port it prints. */
beforeAll(async () => {
  prod = (await planStack("prod")).resources;
  pack = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:1", "."], {
    cwd: path.join(ROOT, "policies", "resilience"),
  });
  const port = await new Promise<string>((resolve, reject) => {
    let err = "";
    pack.stderr?.on("data", (d) => (err += d));
    pack.stdout?.once("data", (d) => resolve(String(d).trim()));
    pack.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${err}`)));
  });
  client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 180000);

afterAll(() => {
  client?.close();
  pack?.kill();
});

const rpc = (method: string, request: unknown): Promise<any> =>
  new Promise((resolve, reject) =>
    client[method](request, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res))),
  );

async function analyzeOverGrpc(resources: CapturedResource[]): Promise<Violation[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const analyzable = analyzableResources(resources);
  const violations: Violation[] = [];
  for (const r of analyzable)
    violations.push(...violationsOfResponse(await rpc("analyze", analyzeRequest(r, byUrn)), r.urn));
  violations.push(
    ...violationsOfResponse(await rpc("analyzeStack", analyzeStackRequest(analyzable, byUrn)), ""),
  );
  return violations;
}

const resilience = PACKS.filter((p) => p.name === "qairopay-resilience");

describe("the resilience pack launched as the engine launches it", () => {
  test("reports its name and policies over GetAnalyzerInfo", async () => {
    const info = await rpc(
      "getAnalyzerInfo",
      new (require("google-protobuf/google/protobuf/empty_pb").Empty)(),
    );
    expect(info.getName()).toBe("qairopay-resilience");
    expect(
      info
        .getPoliciesList()
        .map((p: any) => p.getName())
        .sort(),
    ).toEqual(resilience[0].policies.map((p) => p.name).sort());
  });

  test("Analyze and AnalyzeStack over gRPC pass the prod plan, as the offline evaluation does", async () => {
    expect(await analyzeOverGrpc(prod)).toEqual([]);
    expect(await evaluatePacks(resilience, prod)).toEqual([]);
  });

  test("over gRPC, a removed DR replica is a mandatory stack violation, identical to the offline one", async () => {
    const mutated = removeResource("prod-ledger-us-east1")(prod);
    const remote = await analyzeOverGrpc(mutated);
    expect(remote.map((v) => [v.policyName, v.enforcementLevel, v.urn.split("::").pop()])).toEqual([
      ["sql-instance-dr-replica", "mandatory", "prod-ledger-us-central1"],
    ]);
    expect(remote).toEqual(await evaluatePacks(resilience, mutated));
  });
});
