import fc from 'fast-check';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestImage, pngDataUrl } from './images.js';
import { startOllamaPeer } from './ollama-peer.js';
import { startOpenAIPeer } from './openai-peer.js';
import type { Peer } from './peer.js';
import { PeerError } from './peer.js';
import { DEFAULT_MAX_IMAGE_BYTES, decodeDataUrl, decodeImage, isBase64 } from './validate.js';

async function rejection(p: Promise<unknown>): Promise<PeerError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PeerError);
    return e as PeerError;
  }
  throw new Error('expected a rejection');
}

/** A PNG whose signature and header are intact but whose pixel data is cut off: only a decode finds out. */
async function truncatedPng(): Promise<Buffer> {
  const png = await makeTestImage(40, 30);
  return png.subarray(0, 40);
}

describe('isBase64', () => {
  it('agrees with the reference regex and length rule on arbitrary strings', () => {
    const reference = (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 !== 1;
    const char = fc.constantFrom(...'AZaz09+/=-_ \né'.split(''), 'Q', 'w');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }), (cs) => {
        const s = cs.join('');
        expect(isBase64(s)).toBe(reference(s));
      }),
      { numRuns: 3000 },
    );
    expect(isBase64(Buffer.from('any bytes at all').toString('base64'))).toBe(true);
    // long strings (the codec round-trip path): one foreign character anywhere is found
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 3000 }),
        fc.nat(),
        fc.constantFrom('-', '_', ' ', '\n', '=', '*', 'é', '.', '\u0000', 'A'),
        fc.nat({ max: 2 }),
        (n, at, bad, pad) => {
          const good =
            Buffer.alloc(n, n & 255)
              .toString('base64')
              .replace(/=+$/, '') + '='.repeat(pad);
          const i = at % good.length;
          const s = good.slice(0, i) + bad + good.slice(i + 1);
          expect(isBase64(s)).toBe(reference(s));
          expect(isBase64(good)).toBe(reference(good));
        },
      ),
      { numRuns: 1500 },
    );
    expect(isBase64('QUJD=A==')).toBe(false);
  });
});

describe('decodeImage: light validation', () => {
  it('accepts real PNG and JPEG bytes without decoding them (no dimensions)', async () => {
    const png = await makeTestImage(20, 10);
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
      .jpeg()
      .toBuffer();
    expect(await decodeImage(png.toString('base64'), 'x', { validation: 'light' })).toEqual({
      width: 0,
      height: 0,
      format: 'png',
    });
    expect((await decodeImage(jpeg.toString('base64'), 'x', { validation: 'light' })).format).toBe('jpeg');
    // full validation (the default) decodes and reports the real size
    expect(await decodeImage(png.toString('base64'), 'x')).toEqual({ width: 20, height: 10, format: 'png' });
  });

  it('does not decode: a truncated PNG passes light validation and fails full validation', async () => {
    const b64 = (await truncatedPng()).toString('base64');
    expect((await decodeImage(b64, 'x', { validation: 'light' })).format).toBe('png');
    const e = await rejection(decodeImage(b64, 'messages[0].content[0]', { validation: 'full' }));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^messages\[0\]\.content\[0\]: failed to load image/);
  });

  it('rejects malformed base64, empty data, oversize images and non-image bytes', async () => {
    const png = (await makeTestImage(4, 4)).toString('base64');
    const light = { validation: 'light' as const };
    expect((await rejection(decodeImage(`${png.slice(0, 20)}*${png.slice(21)}`, 'w', light))).message).toBe(
      'w: image data is not valid base64',
    );
    expect((await rejection(decodeImage(png.slice(0, 21), 'w', light))).message).toMatch(/not valid base64/); // 21 % 4 === 1
    expect((await rejection(decodeImage(`${png}\n`, 'w', light))).message).toMatch(/not valid base64/);
    expect((await rejection(decodeImage('', 'w', light))).message).toBe('w: image data is empty');
    const big = await rejection(decodeImage(png, 'w', { validation: 'light', maxImageBytes: 16 }));
    expect(big.status).toBe(413);
    expect(big.message).toMatch(/larger than the limit of 16 bytes/);
    const text = Buffer.from('hello, this is not an image at all').toString('base64');
    const notImage = await rejection(decodeImage(text, 'w', light));
    expect(notImage.status).toBe(400);
    expect(notImage.message).toMatch(/does not start like a PNG, JPEG/);
    expect(DEFAULT_MAX_IMAGE_BYTES).toBe(20 * 1024 * 1024);
  });

  it('computes the decoded size from the base64 length and padding', async () => {
    const png = await makeTestImage(4, 4);
    const b64 = png.toString('base64');
    // exactly at the limit passes, one byte less fails
    await decodeImage(b64, 'w', { validation: 'light', maxImageBytes: png.length });
    await rejection(decodeImage(b64, 'w', { validation: 'light', maxImageBytes: png.length - 1 }));
    // unpadded base64 is measured the same way
    const unpadded = b64.replace(/=+$/, '');
    await decodeImage(unpadded, 'w', { validation: 'light', maxImageBytes: png.length });
    await rejection(decodeImage(unpadded, 'w', { validation: 'light', maxImageBytes: png.length - 1 }));
  });

  it('checks the data-URL prefix and refuses remote URLs in both modes', async () => {
    const png = await makeTestImage(4, 4);
    expect((await decodeDataUrl(pngDataUrl(png), 'u', { validation: 'light' })).format).toBe('png');
    for (const validation of ['light', 'full'] as const) {
      expect((await rejection(decodeDataUrl('https://example.test/a.png', 'u', { validation }))).message).toMatch(
        /never fetches remote images/,
      );
      expect(
        (await rejection(decodeDataUrl(`data:text/plain;base64,${png.toString('base64')}`, 'u', { validation })))
          .message,
      ).toMatch(/must be a data URL like data:image\/png;base64/);
    }
  });
});

describe('peers: imageValidation option', () => {
  let peer: Peer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  const chat = (url: string) => ({
    model: 'm',
    max_tokens: 64,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url } },
          { type: 'text', text: 'Text: Spurs beat Thunder' },
        ],
      },
    ],
  });
  const post = async (p: Peer, path: string, body: unknown) => {
    const res = await fetch(`${p.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };
  const truncatedUrl = async () => `data:image/png;base64,${(await truncatedPng()).toString('base64')}`;

  it('full validation is the default: a truncated image is a 400 naming the part', async () => {
    peer = await startOpenAIPeer();
    const r = await post(peer, '/chat/completions', chat(await truncatedUrl()));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toMatch(/messages\[0\]\.content\[0\]: failed to load image/);
    expect(r.headers.get('server-timing')).toBeNull();
  });

  it('light validation answers without decoding but still rejects bad base64', async () => {
    peer = await startOpenAIPeer({ imageValidation: 'light', serverTiming: true });
    const ok = await post(peer, '/chat/completions', chat(await truncatedUrl()));
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.json)).toContain('1 image (0x0)');
    const timing = ok.headers.get('server-timing') ?? '';
    expect(timing).toMatch(/^read;dur=[\d.]+, parse;dur=[\d.]+, handle;dur=[\d.]+, wait;dur=[\d.]+$/);
    const bad = await post(peer, '/chat/completions', chat('data:image/png;base64,iVBO%%%'));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/messages\[0\]\.content\[0\]: image data is not valid base64/);
    expect(peer.requests.map((r) => r.outcome)).toEqual(['ok', 'rejected']);
  });

  it("latencyFrom: 'arrival' answers latencyMs after the request arrived, 'answer' waits it after answering", async () => {
    peer = await startOpenAIPeer({
      imageValidation: 'light',
      serverTiming: true,
      latencyMs: 60,
      latencyFrom: 'arrival',
    });
    const dur = (h: string | null, k: string) => Number(new RegExp(`${k};dur=([\\d.]+)`).exec(h ?? '')?.[1]);
    const t0 = performance.now();
    const r = await post(peer, '/chat/completions', chat(pngDataUrl(await makeTestImage(8, 8))));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(59);
    const h = r.headers.get('server-timing');
    const work = dur(h, 'read') + dur(h, 'parse') + dur(h, 'handle');
    // the wait is what is left of the 60 ms after the peer's own work (timers may fire a little late)
    expect(dur(h, 'wait') + work).toBeGreaterThanOrEqual(59);
    expect(dur(h, 'wait')).toBeLessThanOrEqual(60 - work + 15);
    await peer.close();
    peer = await startOpenAIPeer({ imageValidation: 'light', serverTiming: true, latencyMs: 60 });
    const r2 = await post(peer, '/chat/completions', chat(pngDataUrl(await makeTestImage(8, 8))));
    expect(dur(r2.headers.get('server-timing'), 'wait')).toBeGreaterThanOrEqual(59);
  });

  it('latencyMs is a floor on every answer of a sequence, by the monotonic clock, not only on average', async () => {
    peer = await startOpenAIPeer({ imageValidation: 'light', serverTiming: true, latencyMs: 3 });
    const body = chat(pngDataUrl(await makeTestImage(8, 8)));
    const waits: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await post(peer, '/chat/completions', body);
      waits.push(Number(/wait;dur=([\d.]+)/.exec(r.headers.get('server-timing') ?? '')?.[1]));
    }
    expect(waits).toHaveLength(40);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(3);
  });

  it('maxImageBytes applies to the Ollama peer too, and light validation skips the decode there', async () => {
    const raw = (await truncatedPng()).toString('base64');
    const body = { model: 'qwen2.5vl:7b', stream: false, messages: [{ role: 'user', content: 'hi', images: [raw] }] };
    peer = await startOllamaPeer({ imageValidation: 'light' });
    expect((await post(peer, '/api/chat', body)).status).toBe(200);
    await peer.close();
    peer = await startOllamaPeer({ imageValidation: 'light', maxImageBytes: 10 });
    const big = await post(peer, '/api/chat', body);
    expect(big.status).toBe(413);
    expect(String(big.json.error)).toMatch(/messages\[0\]\.images\[0\]: image is \d+ bytes, larger than the limit/);
    await peer.close();
    peer = await startOllamaPeer();
    expect((await post(peer, '/api/chat', body)).status).toBe(400);
  });
});
