import { UnknownValueError } from "@pulumi/policy";

/**
 * A value read through the analyzer's unknownCheckingProxy, or `ifUnknown` where preview does not
 * know it (@pulumi/policy proxy.js: reading an unknown throws UnknownValueError, and the analyzer
 * then reports the whole policy as unable to run, advisory, whatever its level; server.js).
 */
export function knownOr<T, U>(read: () => T, ifUnknown: U): T | U {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return ifUnknown;
    throw e;
  }
}

/** The known elements of a list read through the proxy: none if the list itself is unknown. */
export function knownElements<T>(read: () => readonly T[] | undefined): T[] {
  const list = knownOr(read, undefined);
  const length = list ? knownOr(() => list.length, 0) : 0;
  const known: T[] = [];
  for (let i = 0; i < length; i++) {
    const element = knownOr(() => list![i], UNKNOWN);
    if (element !== UNKNOWN) known.push(element as T);
  }
  return known;
}
const UNKNOWN = Symbol("unknown");
