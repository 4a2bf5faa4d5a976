import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS, pyRound, SmartResizeError, smartResize } from './smart-resize.js';

// Expected values worked out by hand from qwen_vl_utils.smart_resize (factor 28,
// min 256*28*28 = 200704, max 1280*28*28 = 1003520), see the derivations beside each case.
describe('smartResize', () => {
  it('uses the Qwen serving defaults', () => {
    expect(DEFAULT_MIN_PIXELS).toBe(200704);
    expect(DEFAULT_MAX_PIXELS).toBe(1003520);
  });

  it('keeps an in-range image at the nearest multiples of 28', () => {
    // 480/28 = 17.14 → 17 → 476; 640/28 = 22.86 → 23 → 644; 476*644 = 306544 is in range.
    expect(smartResize(480, 640)).toEqual([476, 644]);
  });

  it('scales down past max_pixels with floor', () => {
    // round: 1008x1008 = 1016064 > 1003520; beta = sqrt(1e6/1003520) = 0.99825;
    // 1000/beta = 1001.76 → floor(35.78) = 35 → 980.
    expect(smartResize(1000, 1000)).toEqual([980, 980]);
    // beta = sqrt(12e6/1003520) = 3.4580; 3000/beta = 867.5 → 30*28 = 840; 4000/beta = 1156.7 → 41*28 = 1148.
    expect(smartResize(3000, 4000)).toEqual([840, 1148]);
  });

  it('scales tiny images up past min_pixels with ceil', () => {
    // 28x28 = 784 < 200704; beta = sqrt(200704/100) = 44.8; 10*44.8 = 448 → ceil(16) → 448.
    expect(smartResize(10, 10)).toEqual([448, 448]);
    // beta = sqrt(200704) = 448 → 448.
    expect(smartResize(1, 1)).toEqual([448, 448]);
  });

  it("rounds ties to even like Python's round()", () => {
    expect([pyRound(0.5), pyRound(1.5), pyRound(2.5), pyRound(3.5), pyRound(-0.5), pyRound(2.4999)]).toEqual([
      0, 2, 2, 4, 0, 2,
    ]);
    // 70/28 = 2.5 → 2 (JS Math.round would give 3 → 84); 42/28 = 1.5 → 2 → 56.
    expect(smartResize(70, 42, { minPixels: 1 })).toEqual([56, 56]);
    // 98/28 = 3.5 → 4 → 112; 14/28 = 0.5 → 0 → max(28, 0) = 28.
    expect(smartResize(98, 98, { minPixels: 1 })).toEqual([112, 112]);
    expect(smartResize(14, 14, { minPixels: 1 })).toEqual([28, 28]);
  });

  it('handles extreme aspect ratios up to 200 and rejects beyond', () => {
    // ratio exactly 200 is allowed. h_bar = 28, w_bar = 196; 5488 < min; beta = sqrt(200704/200) = 31.678;
    // h: ceil(31.678/28) = 2 → 56; w: 6335.6/28 = 226.3 → 227 → 6356.
    expect(smartResize(1, 200)).toEqual([56, 6356]);
    // ratio 190, too many pixels: beta = sqrt(1.9e6/1003520) = 1.37599; 100/beta = 72.7 → 2 → 56;
    // 19000/beta = 13808.2 → 493 → 13804.
    expect(smartResize(100, 19000)).toEqual([56, 13804]);
    expect(() => smartResize(1, 201)).toThrow(SmartResizeError);
    expect(() => smartResize(4020, 20)).toThrow(/aspect ratio must be smaller than 200, got 201/);
  });

  it('honours factor, min and max options', () => {
    // factor 32 (Qwen3-VL): 480/32 = 15 → 480; 640/32 = 20 → 640.
    expect(smartResize(480, 640, { factor: 32, minPixels: 1, maxPixels: 1e9 })).toEqual([480, 640]);
    // max 256*28*28: 476*644 = 306544 > 200704; beta = sqrt(307200/200704) = 1.23718; 480/beta = 387.98 → 13*28 = 364;
    // 640/beta = 517.3 → 18*28 = 504.
    expect(smartResize(480, 640, { maxPixels: 200704, minPixels: 3136 })).toEqual([364, 504]);
    expect(() => smartResize(0, 10)).toThrow(/height must be a positive number/);
  });

  it('returns multiples of the factor within bounds for ordinary sizes', () => {
    for (let h = 20; h < 3000; h += 97)
      for (let w = 20; w < 3000; w += 89) {
        const [rh, rw] = smartResize(h, w);
        expect(rh % 28).toBe(0);
        expect(rw % 28).toBe(0);
        expect(rh * rw).toBeLessThanOrEqual(DEFAULT_MAX_PIXELS);
        expect(rh * rw).toBeGreaterThanOrEqual(DEFAULT_MIN_PIXELS);
      }
  });
});
