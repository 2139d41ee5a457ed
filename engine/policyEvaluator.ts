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
  messages: MessageSource = freshMessages,
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
    const request = messages.analyzeRequest(r, byUrn);
    for (const [i, { analyze }] of analyzers.entries())
      perPack[i].push(...diagnostics(await call(analyze, request), r.urn));
  }
  const stackRequest = new analyzerproto.AnalyzeStackRequest();
  stackRequest.setResourcesList(analyzable.map((r) => messages.stackResource(r, byUrn)));
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

/** Builds the message the engine sends for a resource: to Analyze (inputs) and within AnalyzeStack (outputs). */
export interface MessageSource {
  analyzeRequest(r: CapturedResource, byUrn: Map<string, CapturedResource>): any;
  stackResource(r: CapturedResource, byUrn: Map<string, CapturedResource>): any;
}

/** A message of its own per resource and evaluation: what the tools use, nothing kept afterwards. */
const freshMessages: MessageSource = { analyzeRequest, stackResource };

/**
 * Messages kept between evaluations, for a caller that evaluates hundreds of near-identical plans
 * (the policy cases: each a plan with one resource changed): a resource's message, and the
 * analyzer's conversion of its properties back to JavaScript (convertedOnce), are built once and
 * sent again. Only for a resource that is deeply frozen, with its provider (frozenPlan): its
 * content cannot have changed since, so the message sent is the one a fresh build would give. A
 * changed resource is a new object and gets a message of its own. The handlers only read a
 * request (see convertedOnce), so sending one twice is as safe as sending it to every pack.
 */
export class MessageCache implements MessageSource {
  private readonly requests = new WeakMap<CapturedResource, Map<CapturedResource | undefined, any>>();
  private readonly stackResources = new WeakMap<CapturedResource, Map<CapturedResource | undefined, any>>();

  analyzeRequest(r: CapturedResource, byUrn: Map<string, CapturedResource>): any {
    return this.kept(this.requests, r, byUrn, () => analyzeRequest(r, byUrn));
  }

  stackResource(r: CapturedResource, byUrn: Map<string, CapturedResource>): any {
    return this.kept(this.stackResources, r, byUrn, () => syncedOnce(stackResource(r, byUrn)));
  }

  private kept(
    cache: WeakMap<CapturedResource, Map<CapturedResource | undefined, any>>,
    r: CapturedResource,
    byUrn: Map<string, CapturedResource>,
    build: () => any,
  ): any {
    const provider = providerOf(r, byUrn);
    if (!isDeeplyFrozen(r) || (provider && !isDeeplyFrozen(provider))) return build();
    let byProvider = cache.get(r);
    if (!byProvider) cache.set(r, (byProvider = new Map()));
    let message = byProvider.get(provider);
    if (!message) byProvider.set(provider, (message = build()));
    return message;
  }
}

/**
 * google-protobuf's setResourcesList syncs every message it is given into its array form
 * (Message.toArray walks each map field: a Struct's every value), which is for serializing and
 * changes nothing a handler reads. A kept message never changes after it is built, so one sync
 * serves every later request; without this, each evaluation re-walked every resource's properties.
 */
function syncedOnce(message: any): any {
  const array = message.toArray();
  message.toArray = () => array;
  return message;
}

/**
 * The plan made immutable, deeply (every resource, property, list and value): what MessageCache
 * keeps messages for. A mutation copies what it changes (specs/mutate.ts); one that wrote into the
 * plan in place would throw instead of changing what later evaluations see.
 */
export function frozenPlan(resources: CapturedResource[]): CapturedResource[] {
  const freeze = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    Object.freeze(value);
    for (const item of Object.values(value)) freeze(item);
  };
  freeze(resources);
  for (const r of resources) frozenDeeply.add(r);
  return resources;
}

// Object.isFrozen is shallow: only frozenPlan vouches for everything a resource holds.
const frozenDeeply = new WeakSet<CapturedResource>();

/** Whether frozenPlan froze this resource, with everything it holds. */
export function isDeeplyFrozen(r: CapturedResource): boolean {
  return frozenDeeply.has(r);
}

/** Diagnostics of an AnalyzeResponse as violations; `defaultUrn` for those the policy left unnamed. */
export function violationsOfResponse(response: any, defaultUrn: string): Violation[] {
  return diagnostics(response, defaultUrn);
}

/** A resource within the AnalyzeStackRequest (its outputs). */
export function stackResource(r: CapturedResource, byUrn: Map<string, CapturedResource>): any {
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
  const provider = providerOf(r, byUrn);
  if (provider) msg.setProvider(providerMessage(provider));
}

/** The provider resource a resource names (its reference is `<urn>::<id>`), if in the plan. */
function providerOf(r: CapturedResource, byUrn: Map<string, CapturedResource>): CapturedResource | undefined {
  const end = r.provider?.lastIndexOf("::") ?? -1;
  return end > 0 ? byUrn.get((r.provider as string).slice(0, end)) : undefined;
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
