// Test helpers of @mmre/images (`@mmre/images/testing`), shared by the tests of the packages that
// make or read images; not part of the image API.
import sharp from 'sharp';

/** A deterministic RGB pattern (gradients + stripes) so JPEG output is not trivial. */
export async function writePatternImage(
  path: string,
  width: number,
  height: number,
  seed = 1,
  format: 'jpeg' | 'png' = 'jpeg',
): Promise<void> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 7 + seed * 31) & 255;
      raw[i + 1] = (y * 5 + seed * 17) & 255;
      raw[i + 2] = ((x ^ y) * 3 + seed) & 255;
    }
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  await (format === 'png' ? img.png() : img.jpeg({ quality: 95 })).toFile(path);
}
