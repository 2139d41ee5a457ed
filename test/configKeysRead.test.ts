import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS, ConfigKeySpec, PROJECT_NAME } from "../platform/config/keys";
import { ConfigError, platformConfigOf, typedValues, validateConfig } from "../platform/config/read";
import { configSchema, RawPlatformConfig } from "../platform/config/schema";
import { loadStack } from "../engine/stackFile";

/*
 * One declaration per configuration key (platform/config/keys.ts), and every declaration used:
 * a key declared but never read is a setting that silently does nothing; a key read but not
 * declared is one Pulumi.yaml and the validation never see.
 */
const ROOT = path.join(__dirname, "..");

function prodValues(): RawPlatformConfig {
  const values = loadStack("prod").values;
  const raw = Object.fromEntries(
    Object.entries(values)
      .filter(([k]) => k.startsWith(`${PROJECT_NAME}:`))
      .map(([k, v]) => [k.slice(PROJECT_NAME.length + 1), v]),
  );
  const { typed, problems } = typedValues(raw);
  expect(problems).toEqual([]);
  return configSchema.parse(typed);
}

/** The keys `platformConfigOf` reads, and any it reads that no declaration has. */
function keysRead(values: RawPlatformConfig): { read: Set<string>; undeclared: Set<string> } {
  const read = new Set<string>();
  const undeclared = new Set<string>();
  const watched = new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === "string") (key in CONFIG_KEYS ? read : undeclared).add(key);
      return Reflect.get(target, key, receiver);
    },
  });
  platformConfigOf(watched, "prod", []);
  return { read, undeclared };
}

describe("every declared configuration key is read, and only those", () => {
  test("the typed configuration reads every declared key but the tenant registry's path", () => {
    // Some keys are read only when another is set (a billing account for created projects, the
    // second migration image): the prod values, and the same with every such key set.
    const prod = prodValues();
    const everySet = {
      ...prod,
      organizationId: "123456789012",
      billingAccount: "012345-6789AB-CDEF01",
      sqlMigrationProxyImage: "cloud-sql-proxy:2",
      sqlMigrationClientImage: "postgres:15",
    };
    const read = new Set([...keysRead(prod).read, ...keysRead(everySet).read]);
    const unread = Object.keys(CONFIG_KEYS).filter((k) => !read.has(k));
    expect(unread).toEqual(["tenantsFile"]);
  });

  test("tenantsFile is read by the validation, which loads the registry it names", () => {
    const raw = Object.fromEntries(
      Object.entries(loadStack("prod").values)
        .filter(([k]) => k.startsWith(`${PROJECT_NAME}:`))
        .map(([k, v]) => [k.slice(PROJECT_NAME.length + 1), v]),
    );
    expect(() => validateConfig({ ...raw, tenantsFile: "stacks/no-such-registry.yaml" }, "prod")).toThrow(
      ConfigError,
    );
  });

  test("the typed configuration reads no key without a declaration", () => {
    expect([...keysRead(prodValues()).undeclared]).toEqual([]);
  });

  test("no secret key is placed as a plain value: read.ts makes each one a secret Output itself", () => {
    const placedSecrets = Object.entries(CONFIG_KEYS as Record<string, ConfigKeySpec>)
      .filter(([, spec]) => spec.secret && spec.at)
      .map(([key]) => key);
    expect(placedSecrets).toEqual([]);
  });

  test("each key that places its value has a place of its own", () => {
    const places = Object.values(CONFIG_KEYS as Record<string, { at?: string }>).flatMap((spec) =>
      spec.at ? [spec.at] : [],
    );
    expect(places.length).toBeGreaterThan(50);
    expect(places.filter((p, i) => places.indexOf(p) !== i)).toEqual([]);
    // No place is inside another (`sql` and `sql.tier` would overwrite each other).
    expect(places.filter((p) => places.some((q) => q.startsWith(`${p}.`)))).toEqual([]);
  });

  test("the program reads its configuration in one place: nothing else opens the project's config", () => {
    const sources = ["index.ts", "components", "platform"].flatMap((room) => {
      const at = path.join(ROOT, room);
      return fs.statSync(at).isDirectory()
        ? (fs.readdirSync(at, { recursive: true }) as string[])
            .filter((f) => f.endsWith(".ts"))
            .map((f) => path.join(room, f))
        : [room];
    });
    const readers = sources.filter((f) =>
      /new pulumi\.Config\(|runtime\.allConfig\(|\.getConfig\(/.test(
        fs.readFileSync(path.join(ROOT, f), "utf8"),
      ),
    );
    expect(readers).toEqual([path.join("platform", "config", "read.ts")]);
  });
});
