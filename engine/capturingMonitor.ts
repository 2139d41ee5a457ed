/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { Mocks } from "@pulumi/pulumi/runtime";
import { CapturedResource, capturedResource } from "./model";
import { plain } from "./deployment";

// The monitor speaks the engine's protobuf messages; these are the modules @pulumi/pulumi itself uses.
const rpc = require("@pulumi/pulumi/runtime/rpc");
const settings = require("@pulumi/pulumi/runtime/settings");
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * A MockMonitor that records every registration with the options the engine would see (parent,
 * protect, dependencies, provider, ...), and mints URNs and default-provider references the way
 * the engine does, so that an export of the capture reads like `pulumi stack export`.
 */
export class CapturingMonitor extends MockMonitor {
  readonly captured: CapturedResource[] = [];
  private readonly defaultProviders = new Map<string, string>();
  private stackResource?: CapturedResource;

  constructor(mocks: Mocks) {
    super(mocks);
  }

  async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    try {
      const type: string = req.getType();
      const name: string = req.getName();
      const custom: boolean = req.getCustom();
      const inputs = rpc.deserializeProperties(req.getObject());
      const provider = custom
        ? req.getProvider() || this.defaultProvider(type)
        : req.getProvider() || undefined;
      const parent: string = req.getParent();
      const urn = engineUrn(parent, type, name);
      const result = await this.mocks.newResource({
        // The URN too: mocks seeded from a deployed stack answer by it (engine/deployedSeed.ts).
        urn,
        type,
        name,
        // Mocks see plain values, as a provider does after decrypting.
        inputs: plain(inputs) as Record<string, unknown>,
        provider,
        custom,
        id: req.getImportid(),
      } as Parameters<Mocks["newResource"]>[0]);
      const outputs = reapplySecrets(inputs, result.state, req.getAdditionalsecretoutputsList());
      const serialized = await rpc.serializeProperties("", outputs);
      // Only registerResourceOutputs reads this map back; the capture holds the state itself.
      this.resources.set(urn, { urn, id: result.id ?? null, state: null });
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
        propertyDependencies[key] = deps.getUrnsList();
      });
      const record: CapturedResource = {
        urn,
        type,
        name,
        parent: parent || undefined,
        custom,
        id: custom ? (result.id ?? "") : undefined,
        inputs,
        outputs,
        protect: req.getProtect() === true,
        retainOnDelete: req.getRetainondelete() === true,
        deleteBeforeReplace: req.getDeletebeforereplace() === true,
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        provider: custom ? provider : undefined,
        ignoreChanges: req.getIgnorechangesList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        ...aliasesOf(req),
      };
      this.captured.push(record);
      if (type === ROOT_STACK_TYPE) this.stackResource = record;
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(result.id || "");
      response.setObject(structproto.Struct.fromJavaScript(serialized));
      callback(null, response);
    } catch (err) {
      callback(err, undefined);
    }
  }

  /** The stack's outputs are kept, as the engine keeps them in the state (exports carry them). */
  async registerResourceOutputs(req: any, callback: (err: any, response: any) => void): Promise<void> {
    try {
      if (this.stackResource && req.getUrn() === this.stackResource.urn)
        this.stackResource.outputs = rpc.deserializeProperties(req.getOutputs());
      callback(null, {});
    } catch (err) {
      callback(err, undefined);
    }
  }

  /**
   * The engine gives each package a default provider resource whose inputs are the stack's
   * configuration of that package (`gcp:project` → `project`); reproduce it so exports hold one.
   */
  private defaultProvider(type: string): string {
    const pkg = type.split(":")[0];
    let ref = this.defaultProviders.get(pkg);
    if (!ref) {
      const urn = `urn:pulumi:${settings.getStack()}::${settings.getProject()}::pulumi:providers:${pkg}::default`;
      const id = `00000000-0000-4000-8000-${String(this.defaultProviders.size + 1).padStart(12, "0")}`;
      ref = `${urn}::${id}`;
      this.defaultProviders.set(pkg, ref);
      this.captured.push(
        capturedResource({
          urn,
          type: `pulumi:providers:${pkg}`,
          name: "default",
          custom: true,
          id,
          inputs: packageConfig(pkg),
        }),
      );
    }
    return ref;
  }
}

/** URNs carry the full chain of parent types, as the engine's NewURN does (the stock mock keeps only the last). */
export function engineUrn(parentUrn: string, type: string, name: string): string {
  const stack = settings.getStack();
  const project = settings.getProject();
  let qualified = type;
  if (parentUrn) {
    const parentQualified = parentUrn.split("::")[2];
    if (parentQualified !== ROOT_STACK_TYPE) qualified = `${parentQualified}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function isSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as any)[rpc.specialSigKey] === rpc.specialSecretSig;
}

/** A secret input stays secret in the outputs, as the engine keeps it. */
function reapplySecrets(inputs: any, state: any, secretOutputs: string[]): any {
  const out = { ...state };
  for (const [k, v] of Object.entries(inputs ?? {})) {
    if (isSecret(v)) out[k] = v;
  }
  for (const k of secretOutputs) {
    if (k in out && !isSecret(out[k])) out[k] = { [rpc.specialSigKey]: rpc.specialSecretSig, value: out[k] };
  }
  return out;
}

/** `<pkg>:<key>` configuration values, as the engine passes them to a default provider. */
function packageConfig(pkg: string): Record<string, unknown> {
  const all: Record<string, string> = require("@pulumi/pulumi").runtime.allConfig();
  return Object.fromEntries(
    Object.entries(all)
      .filter(([k]) => k.startsWith(`${pkg}:`))
      .map(([k, v]) => [k.slice(pkg.length + 1), v]),
  );
}

/** The `aliases` option as sent: a URN, or a spec's parent (and name or type where it changed). */
function aliasesOf(req: any): { aliases?: string[] } {
  const aliases = (req.getAliasesList?.() ?? []).map((a: any) => {
    const spec = a.getSpec?.();
    if (!spec) return a.getUrn();
    const parent = spec.getNoparent() ? "no parent" : `parent ${spec.getParenturn() || "(unchanged)"}`;
    return [parent, spec.getName() && `name ${spec.getName()}`, spec.getType() && `type ${spec.getType()}`]
      .filter(Boolean)
      .join(", ");
  });
  return aliases.length ? { aliases } : {};
}
