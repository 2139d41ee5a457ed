import { FIELD_LIMITS } from "../facts/fieldLimits";
import { label, RehearsalRule } from "../model";
import { plain } from "../../deployment";

/** Values Google refuses at create time although the provider accepts them in a plan. */
export const fieldLimits: RehearsalRule = {
  id: "field-limits",
  severity: "error",
  description:
    "Fields whose length or form Google's API limits at create time (and the provider does not check in a preview) are within those limits.",
  sources: [...new Set(FIELD_LIMITS.map((l) => l.url))],
  check(ctx, report) {
    for (const limit of FIELD_LIMITS) {
      for (const r of ctx.resources.filter((x) => x.type === limit.type)) {
        const value = plain(r.inputs[limit.field]);
        if (typeof value !== "string") continue;
        const [size, unit, max] =
          limit.maxUtf8Bytes !== undefined
            ? [Buffer.byteLength(value, "utf8"), "UTF-8 bytes", limit.maxUtf8Bytes]
            : [value.length, "characters", limit.maxLength];
        const tooLong = max !== undefined && size > max;
        const malformed = limit.pattern !== undefined && !limit.pattern.test(value);
        if (tooLong || malformed)
          report.asWritten.error(
            this.id,
            r,
            `${label(r)}: ${limit.field} ${JSON.stringify(value)} ${tooLong ? `has ${size} ${unit}, more than the ${max} the API accepts` : `does not match ${limit.pattern}`} (${limit.url}: ${limit.quote}); the create fails with 400.`,
          );
      }
    }
  },
};
