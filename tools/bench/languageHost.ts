/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
// Starts this project the way `pulumi preview` does (the Node language host runs
// `node @pulumi/pulumi/cmd/run --monitor … --engine … --pwd <project> .` with PULUMI_CONFIG and,
// when Pulumi.yaml says `typescript: true`, PULUMI_NODEJS_TYPESCRIPT=true: pulumi/pulumi
// sdk/nodejs/cmd/pulumi-language-nodejs/main.go, constructArguments and execRuntime), against an
// in-process engine and resource monitor that answer at once with the harness's Google mocks.
// Measures the time to the first registration of a program resource (the root Stack is
// registered before the program is even loaded), to the last one (what `pulumi preview` waits
// for), and the program's peak RSS. The strict monitor answers as little as an engine may: every
// feature unsupported and an empty object (no id, no outputs) for every registration, as a
// preview of resources yet to be created gets them, so nothing the program does can lean on the
// mocks' answers.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { GcpMocks } from "../../engine/gcpMocks";
import { loadStack } from "../../engine/stackFile";
import { CONFIG_KEYS, PROJECT_NAME } from "../../platform/config/keys";
import { PROJECT_ROOT } from "../../platform/paths";

const grpc = require("@grpc/grpc-js");
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engproto = require("@pulumi/pulumi/proto/engine_pb");
const providerproto = require("@pulumi/pulumi/proto/provider_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");

export interface StartupSample {
  firstRegistrationMs: number;
  lastRegistrationMs: number;
  registrations: number;
  peakMb: number;
  exitCode: number | null;
}

/** The stack's configuration as the engine passes it: the stack file over Pulumi.yaml's defaults. */
function engineConfig(stack: string): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as [string, { default?: unknown }][])
    if (spec.default !== undefined)
      defaults[`${PROJECT_NAME}:${key}`] =
        typeof spec.default === "string" ? spec.default : JSON.stringify(spec.default);
  return { ...defaults, ...loadStack(stack).values };
}

/** Whether Pulumi.yaml asks the language host for TypeScript (its default is true). */
function typescriptOption(): boolean {
  const project = parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
  return project?.runtime?.options?.typescript ?? true;
}

function peakRssMb(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export function measureLanguageHostStart(
  stack: string,
  { strict = false }: { strict?: boolean } = {},
): Promise<StartupSample> {
  const mocks = new GcpMocks();
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  let first = NaN;
  let last = NaN;
  let registrations = 0;
  let peakMb = 0;
  let child: ReturnType<typeof spawn> | undefined;
  const server = new grpc.Server();
  const ok = (cb: any, response: any) => cb(null, response);
  server.addService(engrpc.EngineService, {
    log: (_c: any, cb: any) => ok(cb, new emptyproto.Empty()),
    getRootResource: (_c: any, cb: any) => ok(cb, new engproto.GetRootResourceResponse()),
    setRootResource: (_c: any, cb: any) => ok(cb, new engproto.SetRootResourceResponse()),
  });
  server.addService(resrpc.ResourceMonitorService, {
    supportsFeature: (c: any, cb: any) => {
      const response = new resproto.SupportsFeatureResponse();
      response.setHassupport(
        !strict && ["secrets", "resourceReferences", "deletedWith", "aliasSpecs"].includes(c.request.getId()),
      );
      ok(cb, response);
    },
    registerResource: (c: any, cb: any) => {
      const req = c.request;
      registrations++;
      if (req.getType() !== "pulumi:pulumi:Stack") {
        last = elapsed();
        if (Number.isNaN(first)) {
          first = last;
          peakMb = Math.max(peakMb, peakRssMb(child?.pid));
        }
      }
      const urn = `urn:pulumi:${stack}::${PROJECT_NAME}::${req.getType()}::${req.getName()}`;
      if (strict) {
        const empty = new resproto.RegisterResourceResponse();
        empty.setUrn(urn);
        empty.setObject(structproto.Struct.fromJavaScript({}));
        return ok(cb, empty);
      }
      const inputs = req.getObject()?.toJavaScript() ?? {};
      const result = mocks.newResource({
        type: req.getType(),
        name: req.getName(),
        inputs,
        custom: req.getCustom(),
        provider: req.getProvider(),
        id: req.getImportid(),
      } as any);
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(req.getCustom() ? ((result as any).id ?? req.getName()) : "");
      response.setObject(
        structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify((result as any).state ?? {}))),
      );
      ok(cb, response);
    },
    registerResourceOutputs: (_c: any, cb: any) => ok(cb, new emptyproto.Empty()),
    invoke: (c: any, cb: any) => {
      const response = new providerproto.InvokeResponse();
      const answer = mocks.call({
        token: c.request.getTok(),
        inputs: c.request.getArgs()?.toJavaScript() ?? {},
      } as any);
      response.setReturn(structproto.Struct.fromJavaScript(answer));
      ok(cb, response);
    },
    signalAndWaitForShutdown: (_c: any, cb: any) => ok(cb, new emptyproto.Empty()),
  });
  return new Promise((resolve, reject) => {
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (err: Error | null, port: number) => {
        if (err) return reject(err);
        const address = `127.0.0.1:${port}`;
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          PULUMI_CONFIG: JSON.stringify(engineConfig(stack)),
          PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(loadStack(stack).secretKeys),
        };
        if (typescriptOption()) env.PULUMI_NODEJS_TYPESCRIPT = "true";
        const runPath = path.dirname(require.resolve("@pulumi/pulumi/cmd/run/index.js"));
        // prettier-ignore
        child = spawn(process.execPath, [runPath, "--monitor", address, "--engine", address, "--organization", "organization",
        "--project", PROJECT_NAME, "--root-directory", PROJECT_ROOT, "--stack", stack, "--pwd", PROJECT_ROOT,
        "--dry-run", "--parallel", "16", "."], { env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr?.on("data", (d) => (stderr += d));
        const poll = setInterval(() => (peakMb = Math.max(peakMb, peakRssMb(child?.pid))), 50);
        child.on("exit", (code) => {
          clearInterval(poll);
          server.forceShutdown();
          if (Number.isNaN(first))
            return reject(new Error(`the program registered nothing (exit ${code}):\n${stderr}`));
          resolve({
            firstRegistrationMs: first,
            lastRegistrationMs: last,
            registrations,
            peakMb,
            exitCode: code,
          });
        });
      },
    );
  });
}

if (require.main === module) {
  measureLanguageHostStart(process.argv[2] ?? "staging", { strict: process.argv[3] === "--strict" }).then(
    (s) => process.stdout.write(JSON.stringify(s) + "\n"),
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(3); // the exit-code contract: a failure to measure is not a verdict
    },
  );
}
