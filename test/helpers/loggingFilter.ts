/**
 * A minimal evaluator of Cloud Logging's query language, for exactly the subset the platform's
 * alert filters use: comparisons joined by AND, each `FIELD="VALUE"` (equals) or `FIELD:"VALUE"`
 * (has: VALUE is a substring), FIELD a dotted path whose parts may be `@type`. Hand-written because
 * no npm package evaluates these filters offline (the client libraries send them to the API).
 * Comparisons ignore case, as Cloud Logging's do ("String comparisons aren't case sensitive":
 * https://cloud.google.com/logging/docs/view/logging-query-language). Anything else (OR, NOT,
 * parentheses, regular expressions, unquoted values, bare terms) throws: a filter that outgrows the
 * subset fails its test instead of being misjudged.
 */

export interface Comparison {
  path: string[];
  op: "=" | ":";
  value: string;
}

const FIELD = String.raw`[A-Za-z_@][\w@]*(?:\.[A-Za-z_@][\w@]*)*`;
const COMPARISON = new RegExp(String.raw`^\s*(${FIELD})\s*(=|:)\s*"((?:[^"\\]|\\.)*)"\s*`);
const AND = /^AND\s+/;

export function parseFilter(filter: string): Comparison[] {
  const comparisons: Comparison[] = [];
  let rest = filter;
  for (;;) {
    const m = COMPARISON.exec(rest);
    if (!m) throw new Error(`unsupported filter syntax at: ${JSON.stringify(rest.trim().slice(0, 60))}`);
    comparisons.push({
      path: m[1].split("."),
      op: m[2] as "=" | ":",
      value: m[3].replace(/\\(.)/g, "$1"),
    });
    rest = rest.slice(m[0].length);
    if (rest === "") return comparisons;
    const and = AND.exec(rest);
    if (!and) throw new Error(`unsupported filter syntax at: ${JSON.stringify(rest.trim().slice(0, 60))}`);
    rest = rest.slice(and[0].length);
  }
}

function fieldValue(entry: unknown, path: string[]): string | undefined {
  let node: unknown = entry;
  for (const part of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string" || typeof node === "number" || typeof node === "boolean"
    ? String(node)
    : undefined;
}

/** Whether a log entry (as JSON) matches the filter; a missing field matches nothing. */
export function matchesFilter(filter: string, entry: unknown): boolean {
  return parseFilter(filter).every(({ path, op, value }) => {
    const have = fieldValue(entry, path)?.toLowerCase();
    const want = value.toLowerCase();
    return have !== undefined && (op === "=" ? have === want : have.includes(want));
  });
}
