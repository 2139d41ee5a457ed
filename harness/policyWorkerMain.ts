import { parentPort, workerData } from "worker_threads";
import { PACKS } from "../policies/packs";
import { CapturedResource } from "./model";
import { evaluatePacks, PolicyOverrides } from "./policyEvaluator";

const { packNames, resources, overrides } = workerData as {
  packNames: string[];
  resources: CapturedResource[];
  overrides: PolicyOverrides;
};

evaluatePacks(
  PACKS.filter((p) => packNames.includes(p.name)),
  resources,
  overrides,
).then(
  (violations) => parentPort?.postMessage({ violations }),
  (err: Error) => parentPort?.postMessage({ error: err.stack ?? err.message }),
);
