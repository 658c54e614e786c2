import { describe, expect, it } from 'vitest';
import { matchPath, safeNextPath } from '../src/router/paths';

describe('matchPath', () => {
  it('reads parameters from a matching path', () => {
    expect(matchPath('/i/:imageId', '/i/0b6f3d1e-5d1c-4a6b-9a55-2f1c1f3e7a10')).toEqual({ imageId: '0b6f3d1e-5d1c-4a6b-9a55-2f1c1f3e7a10' });
    expect(matchPath('/u/:username', '/u/ada%5Flovelace/')).toEqual({ username: 'ada_lovelace' });
    expect(matchPath('/', '/')).toEqual({});
  });

  it('does not match other paths', () => {
    expect(matchPath('/i/:imageId', '/i')).toBeNull();
    expect(matchPath('/i/:imageId', '/i/1/2')).toBeNull();
    expect(matchPath('/me', '/upload')).toBeNull();
    expect(matchPath('/u/:username', '/u/%E0%A4%A')).toBeNull();
  });
});

describe('safeNextPath', () => {
  it('keeps paths on this site', () => {
    expect(safeNextPath('/me')).toBe('/me');
    expect(safeNextPath('/i/42?x=1')).toBe('/i/42?x=1');
  });

  it('refuses anything that could leave the site', () => {
    for (const next of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) expect(safeNextPath(next)).toBe('/');
  });
});
