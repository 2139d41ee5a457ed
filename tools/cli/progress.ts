import { SingleBar } from "cli-progress";

export interface Progress {
  update(done: number, detail?: string): void;
  stop(): void;
}

/**
 * Progress of a long run on stderr (stdout stays for the report): a bar (cli-progress) on a
 * terminal, otherwise a line at most every `intervalSeconds` and at the end, for CI logs.
 */
export function progress(
  label: string,
  total: number,
  options: { intervalSeconds?: number; stream?: NodeJS.WriteStream; enabled?: boolean } = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.enabled === false || total === 0) return { update: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {value}/{total} {percentage}% · {eta_formatted} left · {detail}`,
      stream,
      hideCursor: true,
      etaBuffer: 50,
    });
    bar.start(total, 0, { detail: "" });
    return { update: (done, detail = "") => bar.update(done, { detail }), stop: () => bar.stop() };
  }
  const interval = (options.intervalSeconds ?? 10) * 1000;
  const started = Date.now();
  let last = 0;
  let done = 0;
  const line = (detail?: string) => {
    const seconds = (Date.now() - started) / 1000;
    stream.write(
      `${label}: ${done}/${total} (${Math.floor((100 * done) / total)}%) after ${seconds.toFixed(0)} s${detail ? ` · ${detail}` : ""}\n`,
    );
  };
  return {
    update: (value, detail) => {
      done = value;
      if (Date.now() - last >= interval || value === total) {
        last = Date.now();
        line(detail);
      }
    },
    stop: () => undefined,
  };
}
