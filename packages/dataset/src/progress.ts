export interface Progress {
  /** Reports `done` items out of `total` (when known). */
  update(done: number, total?: number): void;
  /** Ends the bar (TTY) or prints the final count (not a TTY). */
  stop(): void;
}

export interface ProgressOptions {
  /** What is counted, e.g. `samples`. */
  label: string;
  /** Where to draw; default process.stderr. */
  stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Force the plain line mode (or the bar) instead of asking `stream.isTTY`. */
  tty?: boolean;
  /** Plain mode: print a line every this many items. Default 1000. */
  every?: number;
}

/**
 * A progress reporter: a cli-progress bar when the stream is a terminal, otherwise a plain line
 * (`samples: 1000/5533`) every `every` items and at the end, so logs stay readable.
 * cli-progress is loaded only when a bar is drawn.
 */
export async function createProgress(options: ProgressOptions): Promise<Progress> {
  const stream = (options.stream ?? process.stderr) as NodeJS.WriteStream;
  const tty = options.tty ?? Boolean(stream.isTTY);
  if (tty) {
    const { default: cliProgress } = await import('cli-progress');
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${options.label} [{bar}] {value}/{total} {percentage}% eta {eta}s`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 200,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total ?? 0, 0);
          started = true;
        }
        if (total !== undefined) bar.setTotal(total);
        bar.update(done);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  const every = options.every ?? 1000;
  let last = -1;
  let lastTotal: number | undefined;
  let lastDone = 0;
  const line = (done: number, total?: number) =>
    stream.write(`${options.label}: ${done}${total !== undefined ? `/${total}` : ''}\n`);
  return {
    update(done, total) {
      lastDone = done;
      lastTotal = total;
      if (Math.floor(done / every) !== Math.floor(last / every) && done % every === 0) line(done, total);
      last = done;
    },
    stop() {
      if (lastDone > 0 && lastDone % every !== 0) line(lastDone, lastTotal);
    },
  };
}
