import { CONFIG_KEYS, ConfigKey, ConfigKeySpec, ConfigKeyType } from "../platform/config/keys";
import { configSchema } from "../platform/config/schema";

/*
 * One declaration per configuration key (platform/config/keys.ts): Pulumi.yaml's type, description,
 * default and secret flag, and the program's rule for the value. These hold the parts of one
 * declaration to each other.
 */
const entries = Object.entries(CONFIG_KEYS) as [ConfigKey, ConfigKeySpec][];

/** A value of each type Pulumi.yaml can declare, as read.ts converts it. */
const SAMPLE: Record<ConfigKeyType, unknown> = { string: "", integer: 0, boolean: false, array: [] };

describe("one declaration per configuration key", () => {
  test("the program's validation is exactly the keys' own rules", () => {
    expect(Object.keys(configSchema.shape)).toEqual(Object.keys(CONFIG_KEYS));
    for (const [key, spec] of entries) expect(configSchema.shape[key]).toBe(spec.schema);
  });

  test.each(entries.filter(([, spec]) => spec.default !== undefined))(
    "%s: its Pulumi.yaml default passes its own rule",
    (_key, spec) => {
      expect(spec.schema.safeParse(spec.default).error?.issues).toBeUndefined();
    },
  );

  test.each(entries)("%s: its rule expects the type Pulumi.yaml declares", (_key, spec) => {
    const typeIssues = (value: unknown) =>
      (spec.schema.safeParse(value).error?.issues ?? []).filter(
        (i) => i.path.length === 0 && i.code === "invalid_type",
      );
    expect(typeIssues(SAMPLE[spec.type])).toEqual([]);
    for (const other of Object.keys(SAMPLE) as ConfigKeyType[])
      if (other !== spec.type) expect(spec.schema.safeParse(SAMPLE[other]).success).toBe(false);
  });
});
