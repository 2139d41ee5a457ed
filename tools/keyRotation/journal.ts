import * as fs from "fs";

/** The first line of a journal: what this rotation is, and since when a key counts as rotated. */
export interface JournalHeader {
  kind: "header";
  rotationId: string;
  stack: string;
  /** Server time (KMS `Date` header) when the rotation began: a primary created since is new material. */
  startedAt: string;
  reason: string;
  operator: string;
}

type Entry =
  | JournalHeader
  | { kind: "created"; key: string; version: string }
  | { kind: "primary"; key: string; version: string }
  | { kind: "finished"; at: string; complete: boolean };

export class JournalError extends Error {}

/**
 * Append-only record of a rotation, one JSON object a line, written before the next step starts:
 * a re-run finishes a key whose version was created but not yet made primary instead of creating
 * another. Each line is one write(2), so a killed process loses at most the line being written,
 * which the reader ignores.
 */
export class RotationJournal {
  private readonly created = new Map<string, string>();
  private readonly primaries = new Set<string>();
  private finished?: { at: string; complete: boolean };

  private constructor(
    public readonly path: string,
    public readonly header: JournalHeader,
  ) {}

  static create(path: string, header: Omit<JournalHeader, "kind">): RotationJournal {
    const full: JournalHeader = { kind: "header", ...header };
    // "wx": never overwrite the record of another rotation.
    fs.writeFileSync(path, JSON.stringify(full) + "\n", { flag: "wx" });
    return new RotationJournal(path, full);
  }

  static open(path: string): RotationJournal {
    let text: string;
    try {
      text = fs.readFileSync(path, "utf8");
    } catch {
      throw new JournalError(`rotation journal ${path} cannot be read`);
    }
    const lines = text.split("\n").filter((l) => l.trim());
    const entries: Entry[] = [];
    for (const [i, line] of lines.entries()) {
      try {
        entries.push(JSON.parse(line) as Entry);
      } catch {
        // Only the last line can be torn by a kill; anything else is corruption.
        if (i !== lines.length - 1)
          throw new JournalError(`rotation journal ${path}: line ${i + 1} is not JSON`);
      }
    }
    const header = entries[0];
    if (header?.kind !== "header") throw new JournalError(`rotation journal ${path} has no header line`);
    const journal = new RotationJournal(path, header);
    for (const entry of entries.slice(1)) journal.apply(entry);
    return journal;
  }

  get isFinished(): boolean {
    return this.finished?.complete === true;
  }

  /** The version this rotation created for a key, if any. */
  createdVersion(key: string): string | undefined {
    return this.created.get(key);
  }

  hasPrimary(key: string): boolean {
    return this.primaries.has(key);
  }

  recordCreated(key: string, version: string): void {
    this.append({ kind: "created", key, version });
  }

  recordPrimary(key: string, version: string): void {
    this.append({ kind: "primary", key, version });
  }

  recordFinished(complete: boolean): void {
    this.append({ kind: "finished", at: new Date().toISOString(), complete });
  }

  private append(entry: Entry): void {
    fs.appendFileSync(this.path, JSON.stringify(entry) + "\n");
    this.apply(entry);
  }

  private apply(entry: Entry): void {
    if (entry.kind === "created") this.created.set(entry.key, entry.version);
    else if (entry.kind === "primary") this.primaries.add(entry.key);
    else if (entry.kind === "finished") this.finished = { at: entry.at, complete: entry.complete };
  }
}
