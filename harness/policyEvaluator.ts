/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { PackDefinition } from "../policies/packs";
import { CapturedResource } from "./model";

// The analyzer handlers the Pulumi engine calls over gRPC, and the messages it sends them.
const server = require("@pulumi/policy/server");
const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");

export interface Violation {
  policyPack: string;
  policyName: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
  message: string;
  severity?: string;
}

/** Per-policy enforcement overrides, as in a `--policy-pack-config` file. */
export type PolicyOverrides = Record<string, EnforcementLevel | { enforcementLevel: EnforcementLevel }>;

const LEVELS: Record<number, EnforcementLevel> = {
  0: "advisory",
  1: "mandatory",
  2: "disabled",
  3: "remediate",
};
const SEVERITIES: Record<number, string | undefined> = {
  0: undefined,
  1: "low",
  2: "medium",
  3: "high",
  4: "critical",
};

/**
 * Runs policy packs on registered resources through @pulumi/policy's own Analyze and AnalyzeStack
 * handlers, exactly as the engine drives them: Analyze once per resource with its inputs,
 * AnalyzeStack once with every resource's outputs.
 */
export async function evaluatePacks(
  packs: PackDefinition[],
  resources: CapturedResource[],
  overrides: PolicyOverrides = {},
): Promise<Violation[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const analyzable = analyzableResources(resources);
  const analyzers = packs.map((pack) => {
    const policies = applyOverrides(pack.policies, overrides);
    return {
      analyze: server.makeAnalyzeRpcFun(pack.name, pack.version, "mandatory", policies),
      analyzeStack: server.makeAnalyzeStackRpcFun(pack.name, pack.version, "mandatory", policies),
    };
  });
  // The engine sends each resource to every pack: build its message once, for all packs.
  const perPack: Violation[][] = analyzers.map(() => []);
  for (const r of analyzable) {
    const request = analyzeRequest(r, byUrn);
    for (const [i, { analyze }] of analyzers.entries())
      perPack[i].push(...diagnostics(await call(analyze, request), r.urn));
  }
  const stackRequest = analyzeStackRequest(analyzable, byUrn);
  for (const [i, { analyzeStack }] of analyzers.entries()) {
    perPack[i].push(...diagnostics(await call(analyzeStack, stackRequest), ""));
  }
  return perPack.flat();
}

export function isMandatory(v: Violation): boolean {
  return v.enforcementLevel === "mandatory";
}

/** Resources the engine sends to analyzers: everything but the stack and provider resources. */
export function analyzableResources(resources: CapturedResource[]): CapturedResource[] {
  return resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
}

/** The AnalyzeRequest the engine sends for one resource (its inputs). */
export function analyzeRequest(r: CapturedResource, byUrn: Map<string, CapturedResource>): any {
  const request = new analyzerproto.AnalyzeRequest();
  fillResource(request, r, r.inputs, byUrn);
  return request;
}

/** The AnalyzeStackRequest the engine sends at the end (every resource's outputs). */
export function analyzeStackRequest(
  resources: CapturedResource[],
  byUrn: Map<string, CapturedResource>,
): any {
  const request = new analyzerproto.AnalyzeStackRequest();
  request.setResourcesList(resources.map((r) => stackResource(r, byUrn)));
  return request;
}

/** Diagnostics of an AnalyzeResponse as violations; `defaultUrn` for those the policy left unnamed. */
export function violationsOfResponse(response: any, defaultUrn: string): Violation[] {
  return diagnostics(response, defaultUrn);
}

function stackResource(r: CapturedResource, byUrn: Map<string, CapturedResource>): any {
  const resource = new analyzerproto.AnalyzerResource();
  fillResource(resource, r, r.outputs, byUrn);
  resource.setParent(r.parent ?? "");
  resource.setDependenciesList(r.dependencies);
  const deps = resource.getPropertydependenciesMap();
  for (const [key, urns] of Object.entries(r.propertyDependencies)) {
    // As the engine does (pkg/resource/plugin/analyzer_plugin.go): properties without dependencies are skipped.
    if (!urns.length) continue;
    const d = new analyzerproto.AnalyzerPropertyDependencies();
    d.setUrnsList(urns);
    deps.set(key, d);
  }
  return resource;
}

function applyOverrides(policies: Policies, overrides: PolicyOverrides): Policies {
  return policies.map((p) => {
    const o = overrides[p.name] ?? overrides.all;
    if (!o) return p;
    return { ...p, enforcementLevel: typeof o === "string" ? o : o.enforcementLevel };
  });
}

function fillResource(
  msg: any,
  r: CapturedResource,
  props: Record<string, unknown>,
  byUrn: Map<string, CapturedResource>,
): void {
  msg.setType(r.type);
  msg.setUrn(r.urn);
  msg.setName(r.name);
  msg.setProperties(convertedOnce(structproto.Struct.fromJavaScript(jsonSafe(props))));
  const options = new analyzerproto.AnalyzerResourceOptions();
  options.setProtect(r.protect);
  options.setIgnorechangesList(r.ignoreChanges);
  options.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
  options.setDeletebeforereplace(r.deleteBeforeReplace);
  options.setDeletebeforereplacedefined(true);
  options.setParent(r.parent ?? "");
  msg.setOptions(options);
  const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
  const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
  if (provider) msg.setProvider(providerMessage(provider));
}

// Every resource names its provider, and most share one: its message is built once (read-only).
const providerMessages = new WeakMap<CapturedResource, any>();
function providerMessage(provider: CapturedResource): any {
  let message = providerMessages.get(provider);
  if (!message) {
    message = new analyzerproto.AnalyzerProviderResource();
    message.setType(provider.type);
    message.setUrn(provider.urn);
    message.setName(provider.name);
    message.setProperties(structproto.Struct.fromJavaScript(jsonSafe(provider.inputs)));
    providerMessages.set(provider, message);
  }
  return message;
}

/**
 * The engine sends every resource to every pack, and each pack's handler converts the same Struct
 * back to JavaScript (@pulumi/policy server.js: deserializeProperties(req.getProperties()), which
 * copies what it reads and never writes to it). The first pack pays for the conversion; the others
 * get its result: the same values, a quarter of the work with four packs.
 */
function convertedOnce(struct: any): any {
  const toJavaScript = struct.toJavaScript.bind(struct);
  let converted: unknown;
  struct.toJavaScript = () => (converted ??= toJavaScript());
  return struct;
}

/** Struct holds JSON only: drop undefined, keep secret envelopes as the engine sends them. */
function jsonSafe(value: unknown): any {
  return JSON.parse(JSON.stringify(value ?? {}));
}

function call(handler: any, request: any): Promise<any> {
  return new Promise((resolve, reject) => {
    handler({ request }, (err: unknown, response: unknown) => (err ? reject(err) : resolve(response)));
  });
}

function diagnostics(response: any, defaultUrn: string): Violation[] {
  return response.getDiagnosticsList().map((d: any) => ({
    policyPack: d.getPolicypackname(),
    policyName: d.getPolicyname(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()],
    urn: d.getUrn() || defaultUrn,
    message: d.getMessage(),
    ...(SEVERITIES[d.getSeverity()] ? { severity: SEVERITIES[d.getSeverity()] } : {}),
  }));
}
