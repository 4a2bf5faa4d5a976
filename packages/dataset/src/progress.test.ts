import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => {
    text += String(c);
  });
  return { stream, text: () => text };
}

describe('createProgress', () => {
  it('not a TTY: a plain line every `every` items and the final count', async () => {
    const s = sink();
    const p = await createProgress({ label: 'samples', stream: s.stream, every: 4 });
    for (let i = 1; i <= 10; i++) p.update(i, 10);
    p.stop();
    expect(s.text()).toBe('samples: 4/10\nsamples: 8/10\nsamples: 10/10\n');
  });

  it('unknown total: counts only; nothing printed when nothing was done', async () => {
    const s = sink();
    const p = await createProgress({ label: 'records', stream: s.stream });
    p.stop();
    expect(s.text()).toBe('');
    const q = await createProgress({ label: 'records', stream: s.stream });
    q.update(1);
    q.update(2);
    q.stop();
    expect(s.text()).toBe('records: 2\n');
  });

  it('TTY: draws a cli-progress bar', async () => {
    const s = sink();
    Object.assign(s.stream, {
      isTTY: true,
      columns: 100,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    const p = await createProgress({ label: 'samples', stream: s.stream as unknown as NodeJS.WriteStream });
    p.update(5, 10);
    p.update(10, 10);
    p.stop();
    expect(s.text()).toMatch(/samples \[[█░]+\] 10\/10 100%/);
  });
});
