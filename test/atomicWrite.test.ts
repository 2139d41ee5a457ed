// One atomic write for every file a re-run or a reviewer relies on (the ledger, the tenant-up and
// failover journals, stack files) and the plan cache: four hand-written copies of temp-file-and-
// rename had drifted (two never flushed anything, none flushed the directory).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeFileAtomic } from "../tools/cli/atomicWrite";

// fs's own properties cannot be redefined (jest.spyOn): the module is wrapped instead.
jest.mock("fs", () => {
  const real = jest.requireActual<typeof import("fs")>("fs");
  return { ...real, fsyncSync: jest.fn((fd: number) => real.fsyncSync(fd)) };
});
const fsync = fs.fsyncSync as unknown as jest.Mock;

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), "atomic-write-"));

test("replaces the file whole and leaves no temporary file beside it", () => {
  const d = dir();
  const file = path.join(d, "journal.json");
  fs.writeFileSync(file, "old");
  writeFileAtomic(file, "new\n", { durable: true });
  expect(fs.readFileSync(file, "utf8")).toBe("new\n");
  expect(fs.readdirSync(d)).toEqual(["journal.json"]);
});

test("durable: the data is flushed before the rename and the directory after it; a cache flushes nothing", () => {
  const d = dir();
  const file = path.join(d, "ledger.json");
  const order: string[] = [];
  fsync.mockClear();
  fsync.mockImplementation(() => {
    order.push(fs.readdirSync(d).includes("ledger.json") ? "after rename" : "before rename");
  });
  writeFileAtomic(file, "{}\n", { durable: true });
  expect(order).toEqual(["before rename", "after rename"]);
  order.length = 0;
  writeFileAtomic(path.join(d, "plan"), "cached", { durable: false });
  expect(order).toEqual([]);
});

test("a write that fails keeps the old file and removes its temporary file", () => {
  const d = dir();
  const target = path.join(d, "occupied");
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, "inside"), "x");
  expect(() => writeFileAtomic(target, "new", { durable: true })).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
  expect(fs.readdirSync(d)).toEqual(["occupied"]);
});

test("no tool writes a temporary file and renames it itself: every copy calls writeFileAtomic", () => {
  const root = path.join(__dirname, "..");
  const sources = (sub: string): string[] =>
    fs
      .readdirSync(path.join(root, sub), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts"))
      .map((f) => path.join(sub, f));
  const copies = [...sources("tools"), ...sources("test/helpers"), ...sources("engine")]
    .filter((f) => f !== path.join("tools", "cli", "atomicWrite.ts"))
    .filter((f) => /renameSync\(\s*tmp\b/.test(fs.readFileSync(path.join(root, f), "utf8")));
  expect(copies).toEqual([]);
});
