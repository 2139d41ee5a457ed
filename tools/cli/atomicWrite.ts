import * as fs from "fs";
import * as path from "path";

/**
 * Writes a file so that a reader (or a re-run after a kill or a power loss) finds the old content
 * or the new, never half of either: the data goes to a temporary file beside it (rename is atomic
 * only within one file system), which is renamed over the target (rename(2): "If newpath already
 * exists, it will be atomically replaced").
 *
 * `durable` (journals, the ledger, stack files: what a resume or a reviewer relies on) also flushes
 * the data before the rename and the directory after it: without the first, a crash can leave the
 * new name pointing at an empty file (ext4's delayed allocation); without the second, the rename
 * itself may not survive (fsync(2): "Calling fsync() does not necessarily ensure that the entry in
 * the directory containing the file has also reached disk. For that an explicit fsync() on a file
 * descriptor for the directory is also needed."). A cache needs neither.
 */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { durable: boolean },
): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeFileSync(fd, data);
      if (options.durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  if (options.durable) syncDirectory(path.dirname(file));
}

/** fsync of a directory: Linux and macOS allow it on a read-only descriptor; Windows cannot open one (EISDIR/EPERM), and NTFS journals the rename. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    // Some file systems (and Windows) refuse fsync on a directory; the data is still in place.
    if (!["EINVAL", "EPERM", "EISDIR", "EBADF"].includes((err as NodeJS.ErrnoException).code ?? ""))
      throw err;
  } finally {
    fs.closeSync(fd);
  }
}
