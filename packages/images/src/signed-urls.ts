import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Private images are served only through signed URLs handed to their owner. The
 * signature binds the image id and an expiry rounded up to the hour, so the same URL is
 * reused (and cached by the browser) for up to an hour.
 */
export interface UrlSigner {
  signQuery(imageId: string, now?: number): string;
  /** A signature that holds until `expiresAtMs` exactly (an export's download link, say). */
  signQueryUntil(subject: string, expiresAtMs: number): string;
  isValid(imageId: string, expires: string | null, signature: string | null, now?: number): boolean;
}

const HOUR = 3_600_000;

export function createUrlSigner(secret: string): UrlSigner {
  const mac = (imageId: string, expires: string) => createHmac('sha256', secret).update(`${imageId}:${expires}`).digest('base64url');
  return {
    signQuery(imageId, now = Date.now()) {
      const expires = String((Math.ceil(now / HOUR) + 1) * HOUR / 1000);
      return `exp=${expires}&sig=${mac(imageId, expires)}`;
    },
    signQueryUntil(subject, expiresAtMs) {
      const expires = String(Math.floor(expiresAtMs / 1000));
      return `exp=${expires}&sig=${mac(subject, expires)}`;
    },
    isValid(imageId, expires, signature, now = Date.now()) {
      if (!expires || !signature || !/^\d+$/.test(expires) || Number(expires) * 1000 < now) return false;
      const expected = Buffer.from(mac(imageId, expires));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
