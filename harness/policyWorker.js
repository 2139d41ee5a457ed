// Worker-thread entry of the parallel policy evaluation: the worker evaluates its share of the
// packs with the same analyzer handlers as the main thread (see policyEvaluator.ts).
require("ts-node/register/transpile-only");
require("./policyWorkerMain.ts");
