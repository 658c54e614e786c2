import { GlimpseError } from '@glimpse/errors';

/** Number of differing bits between two 16-hex-digit perceptual hashes (0 = same picture, 64 = opposite). */
export function hammingDistance(hashA: string, hashB: string): number {
  for (const hash of [hashA, hashB]) {
    if (!/^[0-9a-f]{16}$/i.test(hash)) {
      throw new GlimpseError('INVALID_INPUT', `hash: ${JSON.stringify(hash)} is not a perceptual hash (16 hex digits).`, 'hash');
    }
  }
  let diff = BigInt(`0x${hashA}`) ^ BigInt(`0x${hashB}`);
  let bits = 0;
  while (diff) {
    bits += Number(diff & 1n);
    diff >>= 1n;
  }
  return bits;
}
