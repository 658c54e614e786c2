import { describe, expect, it } from 'vitest';
import { readFeedSearch, readSignInSearch, safeNextPath, signInSearch } from '../src/router/paths';
import { parseSearch, stringifySearch } from '../src/router/search-string';
import { readSearchParams } from '../src/search/search-params';

describe('query strings', () => {
  it('writes the URLs other clients and tests link to', () => {
    expect(stringifySearch({ q: undefined, tags: ['sunset', 'mountains'], colors: [], orientation: undefined, sort: undefined })).toBe('?tags=sunset,mountains');
    expect(stringifySearch({ q: 'lighthouse at dusk', sort: 'most_liked' })).toBe('?q=lighthouse+at+dusk&sort=most_liked');
    expect(stringifySearch(signInSearch('/me', true))).toBe('?next=%2Fme&expired=1');
    expect(stringifySearch(signInSearch('/'))).toBe('');
    expect(stringifySearch({ sort: 'for-you' })).toBe('?sort=for-you');
    expect(stringifySearch({ tags: ['a&b', 'c d'] })).toBe('?tags=a%26b,c+d');
  });

  it('reads every value as the string it is (no JSON: `?q=123` stays text)', () => {
    expect(parseSearch('?q=123&tags=sunset,coast')).toEqual({ q: '123', tags: 'sunset,coast' });
    expect(parseSearch('?next=%2Fi%2F42%3Fx%3D1&expired')).toEqual({ next: '/i/42?x=1', expired: '' });
    expect(parseSearch('?sort=popular&sort=latest')).toEqual({ sort: 'popular' });
    expect(parseSearch('')).toEqual({});
  });

  it('normalises a search so equal searches have equal URLs', () => {
    const read = (search: string) => stringifySearch({ ...readSearchParams(parseSearch(search)) });
    expect(read('?tags=Sunset,%20coast,sunset&sort=relevance&orientation=sideways')).toBe('?tags=sunset,coast');
    expect(read('?sort=newest&q=%20boats%20&colors=red')).toBe('?q=boats&colors=red&sort=newest');
    expect(readSearchParams(parseSearch('?q=123'))).toMatchObject({ q: '123', tags: [], colors: [] });
    // Whose tags: the owner's or the machine's; "any" (or nonsense) is left out.
    expect(read('?tags=cat&tagSource=machine')).toBe('?tags=cat&tagSource=machine');
    expect(read('?tags=cat&tagSource=any')).toBe('?tags=cat');
    expect(read('?tags=cat&tagSource=robots')).toBe('?tags=cat');
    // The router validates search it has validated before: reading twice changes nothing.
    const once = readSearchParams(parseSearch('?q=boats&tags=sunset,coast&colors=red&orientation=square&sort=newest'));
    expect(readSearchParams({ ...once })).toEqual(once);
  });

  it('keeps camera names as the facet spells them, spaces and all', () => {
    const read = (search: string) => stringifySearch({ ...readSearchParams(parseSearch(search)) });
    expect(read('?camera=Apple+iPhone+12,%20Canon%20%20EOS%205D,Apple+iPhone+12')).toBe('?camera=Apple+iPhone+12,Canon+EOS+5D');
    expect(readSearchParams(parseSearch('?camera=Apple+iPhone+12')).camera).toEqual(['Apple iPhone 12']);
  });

  it('reads the feed and sign-in pages’ parameters, ignoring what they do not know', () => {
    expect(readFeedSearch(parseSearch('?sort=popular'))).toEqual({ sort: 'popular' });
    expect(readFeedSearch(parseSearch('?sort=oldest'))).toEqual({ sort: undefined });
    expect(readSignInSearch(parseSearch('?next=%2Fme&expired=1'))).toEqual({ next: '/me', expired: '1' });
    expect(readSignInSearch(parseSearch('?other=1'))).toEqual({ next: undefined, expired: undefined });
  });
});

describe('safeNextPath', () => {
  it('keeps paths on this site', () => {
    expect(safeNextPath('/me')).toBe('/me');
    expect(safeNextPath('/i/42?x=1')).toBe('/i/42?x=1');
  });

  it('refuses anything that could leave the site', () => {
    for (const next of [null, undefined, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) expect(safeNextPath(next)).toBe('/');
  });
});
