import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export type PhotoFormat = 'jpeg' | 'png' | 'webp';

/** A colourful gradient "photo" drawn with sharp, in several aspect ratios so the grid has to justify rows. */
export async function drawPhoto(index: number, format: PhotoFormat, size?: { width: number; height: number }): Promise<Buffer> {
  const shapes = [
    { width: 640, height: 480 },
    { width: 480, height: 640 },
    { width: 800, height: 450 },
    { width: 560, height: 560 },
  ];
  const { width, height } = size ?? shapes[index % shapes.length]!;
  const hue = (index * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},75%,62%)"/><stop offset="1" stop-color="hsl(${(hue + 70) % 360},70%,32%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width * 0.7}" cy="${height * 0.35}" r="${Math.min(width, height) * 0.16}" fill="hsl(${(hue + 180) % 360},90%,85%)" opacity="0.85"/>
    <path d="M0 ${height * 0.78} Q ${width * 0.3} ${height * 0.55} ${width * 0.6} ${height * 0.75} T ${width} ${height * 0.7} V ${height} H 0 Z" fill="hsl(${hue},40%,18%)" opacity="0.7"/>
  </svg>`;
  return sharp(Buffer.from(svg)).toFormat(format).toBuffer();
}

export async function writePhoto(dir: string, name: string, index: number, format: PhotoFormat): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, await drawPhoto(index, format));
  return path;
}

/** A thin JSON client for seeding data through the public HTTP API, as any API client would. */
export function apiClient(baseUrl: string) {
  let accessToken: string | undefined;
  const headers = (): Record<string, string> => (accessToken ? { Authorization: `Bearer ${accessToken}` } : {});

  async function unwrap<T>(response: Response): Promise<T> {
    const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
    if (!body.result) throw new Error(`${response.url}: ${body.error?.message ?? response.status}`);
    return body.result.data;
  }

  return {
    async signUp(username: string, password: string) {
      const response = await fetch(`${baseUrl}/api/auth/signup`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: `${username}@example.com`, username, password }),
      });
      accessToken = (await unwrap<{ accessToken: string }>(response)).accessToken;
    },
    async upload(bytes: Buffer, fileName: string, title: string, tags = 'seed') {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(bytes)]), fileName);
      form.set('title', title);
      form.set('tags', tags);
      const response = await fetch(`${baseUrl}/api/upload/create`, { method: 'POST', headers: headers(), body: form });
      return unwrap<{ imageId: string }>(response);
    },
    async search(input: Record<string, unknown>) {
      const query = encodeURIComponent(JSON.stringify(input));
      return unwrap<{ found: number; hits: Array<{ id: string; title: string }> }>(await fetch(`${baseUrl}/api/search/images?input=${query}`, { headers: headers() }));
    },
    async latest(limit: number) {
      const input = encodeURIComponent(JSON.stringify({ limit }));
      return unwrap<{ items: Array<{ id: string; title: string }> }>(await fetch(`${baseUrl}/api/feed/latest?input=${input}`));
    },
  };
}

/** Polls `check` until it returns true. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
