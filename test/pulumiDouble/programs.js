// What the scripted `pulumi` deploys for a project. The tenant-key shards are modelled (their keys
// follow from the stack's configuration and the platform stack's `tenantKeys` output, and are
// created through the Cloud KMS REST API the test runs, engine/kmsEmulator.ts, as the provider
// would); any other project follows a scenario file (PULUMI_DOUBLE_SCENARIO) that lists, per
// operation, the engine events to stream, a failure to report, the outputs an `up` leaves.
"use strict";
const fs = require("fs");
const backend = require("./backend");
const { CliError } = backend;

const KEY = "gcp:kms/cryptoKey:CryptoKey";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function scenario() {
  const file = process.env.PULUMI_DOUBLE_SCENARIO;
  return file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
}

/** The next scripted step of `<project>:<operation>`: steps are used in order, the last one repeats. */
function nextStep(project, operation) {
  const file = process.env.PULUMI_DOUBLE_SCENARIO;
  const steps = (scenario()[project] || {})[operation] || [];
  if (!file || !steps.length) return {};
  const counters = `${file}.calls.json`;
  const calls = fs.existsSync(counters) ? JSON.parse(fs.readFileSync(counters, "utf8")) : {};
  const key = `${project}:${operation}`;
  const index = calls[key] || 0;
  calls[key] = index + 1;
  fs.writeFileSync(counters, JSON.stringify(calls));
  return steps[Math.min(index, steps.length - 1)];
}

function template(value, config) {
  if (typeof value === "string")
    return value.replace(/\$\{([^}]+)\}/g, (_, key) => (config[key] ? config[key].value : ""));
  if (Array.isArray(value)) return value.map((v) => template(v, config));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, template(v, config)]));
  return value;
}

function rootOf(ctx) {
  let root = ctx.latest.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  if (!root) {
    root = {
      urn: `urn:pulumi:${ctx.ref.name}::${ctx.project}::pulumi:pulumi:Stack::${ctx.project}-${ctx.ref.name}`,
      custom: false,
      type: "pulumi:pulumi:Stack",
      outputs: {},
    };
    ctx.latest.resources.unshift(root);
  }
  return root;
}

/**
 * `--target`: a step of a resource not targeted becomes a same step (the engine skips it:
 * pkg/resource/deploy/step_generator.go, isTargeted / NewSkippedCreateStep); the root Stack and
 * providers are always targeted (isImplicitlyTargetedResource).
 */
function restricted(event, targets) {
  const pre = event.resourcePreEvent;
  const meta = pre ? pre.metadata : event.resOutputsEvent && event.resOutputsEvent.metadata;
  if (!targets.length || !meta || meta.op === "same" || targets.includes(meta.urn)) return event;
  if (meta.type === "pulumi:pulumi:Stack" || meta.type.startsWith("pulumi:providers:")) return event;
  const same = { ...meta, op: "same", diffs: [], detailedDiff: null };
  return pre
    ? { ...event, resourcePreEvent: { ...pre, metadata: same } }
    : { ...event, resOutputsEvent: { ...event.resOutputsEvent, metadata: same } };
}

const scripted = (project) => ({
  async deploy(ctx) {
    const step = nextStep(project, ctx.kind);
    const targets = ctx.args.all("target");
    for (const scriptedEvent of step.events || []) {
      if (ctx.cancelled) break;
      const event = restricted(scriptedEvent, targets);
      ctx.emit(event);
      const op = event.resourcePreEvent && event.resourcePreEvent.metadata.op;
      if (op) ctx.count(op);
      // What the engine applied, for the tests (an up's steps other than same).
      if (op && op !== "same" && !ctx.dryRun) ctx.applied(event.resourcePreEvent.metadata.urn, op);
      if (step.eventDelayMs) await sleep(step.eventDelayMs);
    }
    while (step.waitForSignal && !ctx.cancelled) await sleep(20);
    if (ctx.cancelled) return false;
    if (step.fail) {
      ctx.diag("error", step.fail, step.failUrn);
      return false;
    }
    if (!ctx.dryRun && step.outputs) rootOf(ctx).outputs = template(step.outputs, ctx.config);
    return true;
  },
  async read(ctx, resource) {
    return !((scenario()[project] || {}).missing || []).includes(resource.urn);
  },
});

/** Cloud KMS REST calls, as the provider makes them (https://cloud.google.com/kms/docs/reference/rest). */
async function kms(method, path, quotaProject) {
  const endpoint = process.env.PULUMI_DOUBLE_KMS_ENDPOINT;
  if (!endpoint)
    throw new CliError("PULUMI_DOUBLE_KMS_ENDPOINT is not set: the scripted provider has no Cloud KMS");
  const response = await fetch(`${endpoint}/v1/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${process.env.PULUMI_DOUBLE_KMS_TOKEN || ""}`,
      "x-goog-user-project": quotaProject,
      "content-type": "application/json",
    },
    body: method === "POST" ? JSON.stringify({ purpose: "ENCRYPT_DECRYPT" }) : undefined,
  });
  const body = await response.json().catch(() => ({}));
  return { status: response.status, body };
}

const projectOf = (ring) => ring.split("/")[1];

/** The shard program (tenantKeys/program.ts): a KEK per tenant in each region's tenant-kek ring. */
function desiredKeys(ctx) {
  const value = (key) => (ctx.config[`qairopay-tenant-keys:${key}`] || {}).value;
  const tenants = JSON.parse(value("tenants") || "[]");
  const platform = backend.parseRef(value("platformStack") || "", "qairopay-platform");
  const tenantKeys = backend.exists(platform) ? backend.outputs(platform).tenantKeys : undefined;
  if (!tenantKeys || !tenantKeys.rings)
    throw new CliError(
      `platform stack ${value("platformStack")} exports no tenantKeys output: run \`pulumi up\` on the platform stack first`,
    );
  const keys = [];
  for (const tenant of tenants)
    for (const [region, ring] of Object.entries(tenantKeys.rings)) {
      const name = `${tenantKeys.environment}-keys-${region}-kek-${tenant}`;
      keys.push({
        urn: `urn:pulumi:${ctx.ref.name}::qairopay-tenant-keys::${KEY}::${name}`,
        type: KEY,
        custom: true,
        protect: !!tenantKeys.protect,
        inputs: { name: `kek-${tenant}`, keyRing: ring, labels: { ...tenantKeys.labels, tenant } },
      });
    }
  return { keys, tenants, regions: Object.keys(tenantKeys.rings) };
}

let createCalls = 0;

const tenantKeys = {
  async deploy(ctx) {
    const { keys, tenants, regions } = desiredKeys(ctx);
    const faults = scenario().tenantKeys || {};
    const have = new Set(ctx.latest.resources.map((r) => r.urn));
    for (const key of keys) {
      if (have.has(key.urn)) {
        ctx.count("same");
        continue;
      }
      if (ctx.cancelled) break;
      ctx.emit({ resourcePreEvent: { metadata: { op: "create", urn: key.urn, type: KEY, provider: "" } } });
      ctx.count("create");
      if (ctx.dryRun) continue;
      // The engine records the create as pending before the provider is called (snapshot.go, Begin).
      const pendingCreate = { resource: key, type: "creating" };
      ctx.latest.pending_operations = [...(ctx.latest.pending_operations || []), pendingCreate];
      ctx.save();
      const { keyRing, name } = key.inputs;
      const result = await kms("POST", `${keyRing}/cryptoKeys?cryptoKeyId=${name}`, projectOf(keyRing));
      createCalls++;
      // A lost runner: the key exists in Cloud KMS, the state still says "creating", the lock stays.
      if (faults.killAfterCreates === createCalls) process.kill(process.pid, "SIGKILL");
      if (faults.createDelayMs) await sleep(faults.createDelayMs);
      // This step's own operation completes; one an earlier run left for the same key stays.
      ctx.latest.pending_operations = ctx.latest.pending_operations.filter((op) => op !== pendingCreate);
      if (result.status !== 200) {
        ctx.save();
        const error = result.body.error || {};
        // terraform-provider-google's generated Create: "Error creating CryptoKey: %s", with the
        // googleapi error ("googleapi: Error <code>: <message>").
        ctx.diag(
          "error",
          `1 error occurred:\n\t* Error creating CryptoKey: googleapi: Error ${result.status}: ${error.message || ""}`,
          key.urn,
        );
        return false;
      }
      const id = `${keyRing}/cryptoKeys/${name}`;
      ctx.latest.resources.push({ ...key, id, parent: rootOf(ctx).urn, outputs: { ...key.inputs, id } });
      ctx.save();
    }
    if (!ctx.dryRun && !ctx.cancelled) {
      rootOf(ctx).outputs = {
        shard: Number((ctx.config["qairopay-tenant-keys:shard"] || {}).value),
        tenants: tenants.length,
        regions,
      };
    }
    return !ctx.cancelled;
  },
  async read(ctx, resource) {
    if (resource.type !== KEY) return true;
    const result = await kms("GET", resource.id, projectOf(resource.id));
    return result.status === 200;
  },
};

function forProject(project) {
  return project === "qairopay-tenant-keys" ? tenantKeys : scripted(project);
}

module.exports = { forProject };
