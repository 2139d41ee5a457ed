import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../paths";
// js-yaml: a 100,000-tenant registry parses in 0.2 s where `yaml` takes 2 s, and the platform
// plan reads the registry (the KMS write quota is sized from it).
import { CORE_SCHEMA, load } from "js-yaml";
import { z } from "zod";

/**
 * Tenant ids become KMS key names (`kek-<id>`) and label values, so they are held to the
 * strictest of those alphabets: lower-case DNS labels of at most 40 characters.
 */
export const TENANT_ID_PATTERN = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;

export interface Tenant {
  id: string;
  displayName: string;
}

const tenantSchema = z.object({
  id: z.string().regex(TENANT_ID_PATTERN, {
    message: "must be a lower-case DNS label (a-z, 0-9, '-'), start with a letter, at most 40 characters",
  }),
  displayName: z.string().trim().min(1, { message: "must not be empty" }).max(100),
});

const registrySchema = z.object({ tenants: z.array(tenantSchema).min(1, { message: "lists no tenant" }) });

export const STACKS_DIR = path.join(PROJECT_ROOT, "stacks");

/** Validates a parsed registry; returns the tenants or every problem found, each naming the entry. */
export function validateTenantRegistry(
  raw: unknown,
  source: string,
): { tenants: Tenant[]; problems: string[] } {
  const parsed = registrySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.join(".");
      const value = valueAt(raw, issue.path);
      return `${source}: ${where || "(file)"}${value === undefined ? "" : ` = ${JSON.stringify(value)}`}: ${issue.message}`;
    });
    return { tenants: [], problems };
  }
  const seen = new Map<string, number>();
  const problems: string[] = [];
  parsed.data.tenants.forEach((tenant, index) => {
    const first = seen.get(tenant.id);
    if (first !== undefined) {
      problems.push(`${source}: tenants.${index}.id = "${tenant.id}": duplicates tenants.${first}.id`);
    } else {
      seen.set(tenant.id, index);
    }
  });
  return { tenants: problems.length ? [] : parsed.data.tenants, problems };
}

/** Reads a registry anywhere (`tenants plan --tenants-file`); a missing or unparsable file is a problem. */
export function readTenantRegistryFile(filePath: string): { tenants: Tenant[]; problems: string[] } {
  return parseRegistry(filePath, filePath, `${filePath} cannot be read`);
}

/** Reads `stacks/<file>`; a missing or unparsable file is a problem, not an exception. */
export function readTenantRegistry(file: string): { tenants: Tenant[]; problems: string[] } {
  if (path.basename(file) !== file) {
    return { tenants: [], problems: [`tenantsFile = "${file}": must be a file name inside stacks/`] };
  }
  const source = `stacks/${file}`;
  return parseRegistry(
    path.join(STACKS_DIR, file),
    source,
    `tenantsFile = "${file}": ${source} cannot be read`,
  );
}

function parseRegistry(
  file: string,
  source: string,
  unreadable: string,
): { tenants: Tenant[]; problems: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return { tenants: [], problems: [unreadable] };
  }
  try {
    return validateTenantRegistry(load(text, { schema: CORE_SCHEMA }), source);
  } catch (err) {
    return {
      tenants: [],
      problems: [`${source}: not valid YAML (${(err as Error).message.split("\n")[0]})`],
    };
  }
}

function valueAt(root: unknown, keys: PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of keys) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
