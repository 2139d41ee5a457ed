/*
 * The two duration formats the program's resources carry, one parser each, named for its format.
 * A leaf: imports nothing.
 */

/**
 * Seconds of a protobuf Duration in its JSON form, as Google's APIs and the provider take it
 * (`rotationPeriod`, `destroyScheduledDuration`, `maxRequestDuration`: `7776000s`, `1.5s`):
 * "the Duration type is encoded as a string rather than an object, where the string ends in the
 * suffix "s" (indicating seconds) and is preceded by the number of seconds, with nanoseconds
 * expressed as fractional seconds" (google/protobuf/duration.proto). NaN when absent or in
 * another form: a policy then reports the value as unreadable instead of guessing.
 */
export function protobufDurationSeconds(value: unknown): number {
  if (typeof value !== "string") return NaN;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value);
  return m ? Number(m[1]) : NaN;
}

/**
 * Seconds of a Go duration (`90s`, `10m`, `1h30m`), the form of `time.Sleep`'s `createDuration`
 * (pulumiverse/time wraps terraform-provider-time, which reads it with Go's time.ParseDuration: "a
 * possibly signed sequence of decimal numbers, each with optional fraction and a unit suffix").
 * Only the units the program uses (h, m, s, ms) and no sign; NaN when unreadable.
 */
export function goDurationSeconds(text: unknown): number {
  if (typeof text !== "string" || !/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(text)) return NaN;
  let total = 0;
  for (const [, n, , unit] of text.matchAll(/(\d+(\.\d+)?)(h|ms|m|s)/g))
    total += Number(n) * ({ h: 3600, m: 60, s: 1, ms: 0.001 } as Record<string, number>)[unit];
  return total;
}
