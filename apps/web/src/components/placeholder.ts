import { thumbHashToDataURL } from 'thumbhash';

const decoded = new Map<string, string | null>();

/** The ThumbHash (base64) as a tiny PNG data URL; decoded once per hash and remembered. */
export function placeholderUrl(thumbHash: string | null): string | null {
  if (!thumbHash) return null;
  let url = decoded.get(thumbHash);
  if (url === undefined) {
    try {
      url = thumbHashToDataURL(Uint8Array.from(atob(thumbHash), (char) => char.charCodeAt(0)));
    } catch {
      url = null;
    }
    decoded.set(thumbHash, url);
  }
  return url;
}
