/**
 * Maps an async iterable with at most `concurrency` calls of `fn` in flight, yielding results in
 * input order. Memory is bounded: at most `concurrency` inputs are pulled ahead.
 */
export async function* orderedMap<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): AsyncGenerator<R> {
  const limit = Math.max(1, Math.floor(concurrency));
  const it = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()) as
    | AsyncIterator<T>
    | Iterator<T>;
  const queue: Promise<R>[] = [];
  let index = 0;
  let done = false;
  const fill = async () => {
    while (!done && queue.length < limit) {
      const next = await it.next();
      if (next.done) {
        done = true;
        break;
      }
      const p = fn(next.value, index++);
      // Avoid unhandled-rejection warnings while the promise waits in the queue; it is awaited below.
      p.catch(() => {});
      queue.push(p);
    }
  };
  try {
    await fill();
    while (queue.length > 0) {
      const r = await (queue.shift() as Promise<R>);
      yield r;
      await fill();
    }
  } finally {
    if (!done) await it.return?.();
  }
}
