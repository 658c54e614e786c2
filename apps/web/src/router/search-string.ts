/**
 * Query strings as the app has always written them: plain `key=value` pairs, lists
 * comma-separated (`/search?tags=sunset,mountains`), rather than the router's default of
 * JSON values (`?tags=%5B%22sunset%22%5D`, and `?q=123` read back as a number). Other
 * clients and tests link to these URLs.
 */

/** `?a=1&b=x,y` → `{ a: '1', b: 'x,y' }`: every value a string (the first, when a key repeats); routes validate them. */
export function parseSearch(searchStr: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(searchStr)) if (!(key in values)) values[key] = value;
  return values;
}

const encode = (text: string) => new URLSearchParams({ v: text }).toString().slice('v='.length);

/** The reverse: empty values are left out, lists joined with commas (each item still encoded). */
export function stringifySearch(search: object): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) pairs.push(`${encode(key)}=${value.map((item) => encode(String(item))).join(',')}`);
    } else pairs.push(`${encode(key)}=${encode(String(value))}`);
  }
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}
