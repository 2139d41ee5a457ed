/**
 * What the Pulumi CLI checks of `Pulumi.yaml` and a stack file before it runs anything, ported
 * from pulumi/pulumi so that a committed file the CLI would reject fails here first, with the
 * CLI's own words:
 * - sdk/go/common/workspace/project.go: `(*Project).Validate` (a typed array needs `items`, a
 *   default must have the declared type) and `ValidateConfigValue` / `InferFullTypeName`;
 * - pkg/workspace/config.go: `mergeConfig` (project defaults are merged into the stack's
 *   configuration as plaintext values, `createConfigValue`), the missing-keys error, and
 *   `validateStackConfigValue` (a `secret: true` key must hold a `secure:` value, then the type).
 * The CLI stops at the first problem (keys in sorted order); so do these functions.
 */

export interface ProjectConfigItemsType {
  type: string;
  items?: ProjectConfigItemsType;
}

/** One entry of Pulumi.yaml's `config:` (ProjectConfigType). */
export interface ProjectConfigType {
  type?: string;
  description?: string;
  items?: ProjectConfigItemsType;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}

export interface ProjectFile {
  name: string;
  config?: Record<string, ProjectConfigType>;
}

/** A stack file's value as the CLI holds it (config.Value): a string, or JSON for lists and maps; `secure:` values are ciphertext. */
interface StackValue {
  text: string;
  object: boolean;
  secure: boolean;
}

/** `ValidateConfigValue` (project.go): whether `value` has the declared type. */
export function validateConfigValue(
  typeName: string,
  items: ProjectConfigItemsType | undefined,
  value: unknown,
): boolean {
  if (typeName === "string") return typeof value === "string";
  if (typeName === "integer") {
    // Whole numbers, and strings that parse as integers (strconv.Atoi).
    if (typeof value === "number") return Number.isInteger(value);
    return typeof value === "string" && /^[+-]?\d+$/.test(value);
  }
  if (typeName === "boolean") return value === "true" || value === "false" || typeof value === "boolean";
  if (typeName === "object") return value !== null && typeof value === "object" && !Array.isArray(value);
  if (!Array.isArray(value) || !items) return false;
  return value.every((item) => validateConfigValue(items.type, items.items, item));
}

/** `InferFullTypeName` (project.go): `array<string>` for a list of strings. */
export function inferFullTypeName(typeName: string, items?: ProjectConfigItemsType): string {
  return items ? `array<${inferFullTypeName(items.type, items.items)}>` : typeName;
}

const namespacedByProject = (project: string, key: string) =>
  !key.includes(":") || key.startsWith(`${project}:`);

/** `(*Project).Validate` (project.go) for the `config:` section: the CLI refuses to load a project that fails it. */
export function validateProject(project: ProjectFile): string | undefined {
  if (!project.name) return "project is missing a 'name' attribute";
  for (const [key, type] of Object.entries(project.config ?? {})) {
    if (type.default !== undefined && type.value !== undefined)
      return `project config '${key}' cannot have both a 'default' and 'value' attribute`;
    if (namespacedByProject(project.name, key)) {
      if (type.type === "array" && !type.items)
        return `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`;
      if (
        type.type &&
        type.default !== undefined &&
        !validateConfigValue(type.type, type.items, type.default)
      )
        return `The default value specified for configuration key '${key}' is not of the expected type '${inferFullTypeName(type.type, type.items)}'`;
    } else if (type.type) {
      return `Configuration key '${key}' is not namespaced by the project and should not define a type`;
    }
  }
  return undefined;
}

/** A stack-file value as config.Value holds it: scalars as their text, lists and maps as JSON. */
function toStackValue(raw: unknown): StackValue {
  if (raw && typeof raw === "object" && !Array.isArray(raw) && "secure" in raw)
    return { text: String((raw as { secure: unknown }).secure), object: false, secure: true };
  if (raw !== null && typeof raw === "object")
    return { text: JSON.stringify(raw), object: true, secure: false };
  return { text: raw === null || raw === undefined ? "" : String(raw), object: false, secure: false };
}

/** `createConfigValue` (config.go): how a project default lands in the stack's configuration — never secure. */
function defaultValue(value: unknown): StackValue {
  return value !== null && typeof value === "object"
    ? { text: JSON.stringify(value), object: true, secure: false }
    : { text: String(value), object: false, secure: false };
}

/** `parseConfigKey` (config.go): a project key without a namespace is the project's. */
const fullKey = (project: string, key: string) => (key.includes(":") ? key : `${project}:${key}`);

/**
 * The error `pulumi preview`/`up`/`destroy` would stop with for this stack file (config.go,
 * `ValidateStackConfigAndApplyProjectConfig`), or undefined. `decrypt` stands for the stack's
 * secrets provider; offline no provider can decrypt, so by default a `secure:` value is taken as
 * a string (which is what `pulumi config set --secret` stores).
 */
export function cliStackConfigError(
  project: ProjectFile,
  stack: string,
  stackConfig: Record<string, unknown>,
  decrypt: (ciphertext: string) => string = () => "",
): string | undefined {
  const merged = new Map<string, StackValue>(
    Object.entries(stackConfig).map(([k, v]) => [fullKey(project.name, k), toStackValue(v)]),
  );
  const keys = Object.keys(project.config ?? {}).sort();
  const missing: string[] = [];
  for (const key of keys) {
    const type = (project.config ?? {})[key];
    const k = fullKey(project.name, key);
    if (merged.has(k)) continue;
    if (type.value === undefined && type.default === undefined) {
      if (k.startsWith(`${project.name}:`)) missing.push(key);
      continue;
    }
    merged.set(k, defaultValue(type.default ?? type.value));
  }
  if (missing.length) return missingKeysError(missing, stack);
  for (const key of keys) {
    const type = (project.config ?? {})[key];
    if (!type.type) continue;
    const value = merged.get(fullKey(project.name, key));
    if (!value) continue;
    if (type.secret && !value.secure)
      return `Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`;
    const text = value.secure ? decrypt(value.text) : value.text;
    const content: unknown = value.object ? JSON.parse(text) : text;
    if (!validateConfigValue(type.type, type.items, content))
      return `Stack '${stack}' with configuration key '${key}' must be of type '${inferFullTypeName(type.type, type.items)}'`;
  }
  return undefined;
}

/** `missingStackConfigurationKeysError` / `formatMissingKeys` (config.go). */
function missingKeysError(keys: string[], stack: string): string {
  const sorted = [...keys].sort();
  const list =
    sorted.length === 1
      ? `'${sorted[0]}'`
      : sorted
          .map((k, i) =>
            i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `,
          )
          .join("");
  return `Stack '${stack}' is missing configuration ${sorted.length > 1 ? "values" : "value"} ${list}`;
}

/** The secrets-provider fields of a stack file (ProjectStack in sdk/go/common/workspace/project.go). */
export interface StackSecretsMetadata {
  secretsprovider?: string;
  encryptedkey?: string;
  encryptionsalt?: string;
}

/** Cloud KMS secrets providers (pkg/secrets/cloud: gocloud.dev's keeper URLs). */
const CLOUD_PROVIDER = /^(gcpkms|awskms|azurekeyvault|hashivault):\/\/\S+$/;

/**
 * Why this stack file's `secure:` values cannot have been made by a secrets provider the project
 * can use, or undefined. What each provider writes into the stack file when it encrypts
 * (`EditProjectStack`): the passphrase provider `encryptionsalt` only
 * (pkg/secrets/passphrase/manager.go), a cloud KMS provider `secretsprovider` (its URL) and
 * `encryptedkey` (the data key it wrapped; pkg/secrets/cloud/manager.go), the Pulumi Cloud service
 * provider nothing at all (pkg/secrets/service/manager.go). This project keeps its state on a
 * self-managed backend (docs/operations.md), where the service provider does not exist: a
 * ciphertext with no metadata is one no provider of ours made, and nothing can decrypt it.
 */
export function secretsMetadataProblem(stackDoc: Record<string, unknown>): string | undefined {
  const config = (stackDoc.config ?? {}) as Record<string, unknown>;
  const secure = Object.entries(config)
    .filter(([, v]) => v !== null && typeof v === "object" && !Array.isArray(v) && "secure" in v)
    .map(([k]) => k);
  if (!secure.length) return undefined;
  const meta = stackDoc as StackSecretsMetadata;
  const keys = secure.join(", ");
  if (meta.secretsprovider && meta.secretsprovider !== "passphrase") {
    if (!CLOUD_PROVIDER.test(meta.secretsprovider))
      return `${keys}: secretsprovider ${meta.secretsprovider} is not a cloud KMS provider (gcpkms://, awskms://, azurekeyvault://, hashivault://) or passphrase`;
    if (!meta.encryptedkey)
      return `${keys}: secretsprovider ${meta.secretsprovider} is set but encryptedkey (the data key it wrapped) is missing, so nothing can decrypt the values`;
    return undefined;
  }
  if (meta.encryptionsalt) return undefined;
  return `${keys}: a secure: value with no secrets-provider metadata (encryptionsalt, or secretsprovider and encryptedkey): no provider of this project made it, so no backend can decrypt it. Set secrets with \`pulumi config set --secret\` on a stack initialised with \`pulumi stack init --secrets-provider …\` (docs/operations.md)`;
}
