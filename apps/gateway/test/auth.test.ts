import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type TestGateway } from './harness';

let glimpse: TestGateway;
beforeAll(async () => {
  glimpse = await startTestGateway();
});
afterAll(() => glimpse.stop());

describe('accounts over HTTP', () => {
  it('signs up, and the access token identifies the user to every service', async () => {
    const alice = await glimpse.signUp('Alice_1');
    expect(alice.user.username).toBe('alice_1');
    expect(alice.user).not.toHaveProperty('passwordHash');
    expect(await alice.auth.me.query()).toMatchObject({ username: 'alice_1', email: 'alice_1@example.com' });
    expect(await alice.upload.mine.query({})).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a second account with the same username or email with CONFLICT, naming the field', async () => {
    await glimpse.signUp('bob_1');
    const { auth } = glimpse.anonymous();
    const sameName = await failure(auth.signup.mutate({ username: 'BOB_1', email: 'other@example.com', password: 'correct horse battery' }));
    expect(sameName).toMatchObject({ code: 'CONFLICT', httpStatus: 409, field: 'username' });
    expect(sameName.message).toContain('bob_1');
    const sameEmail = await failure(auth.signup.mutate({ username: 'bob_2', email: 'BOB_1@example.com', password: 'correct horse battery' }));
    expect(sameEmail).toMatchObject({ code: 'CONFLICT', field: 'email' });
  });

  it('explains bad sign-up input field by field', async () => {
    const { auth } = glimpse.anonymous();
    const call = auth.signup.mutate({ username: 'x', email: 'not-an-email', password: 'short' });
    const result = await failure(call);
    await call.catch((error: { data: { fieldErrors: Record<string, string> } }) =>
      expect(Object.keys(error.data.fieldErrors).sort()).toEqual(['email', 'password', 'username']),
    );
    expect(result.code).toBe('BAD_REQUEST');
    expect(result.message).toMatch(/email: expected an email address/);
    expect(result.message).toMatch(/username: expected 3 to 30/);
    expect(result.message).toMatch(/password: expected at least 8/);
    expect(result.message).not.toMatch(/at .*\.ts:\d+/);
  });

  it('signs in by email or username, and refuses a wrong password with UNAUTHORIZED', async () => {
    const carol = await glimpse.signUp('carol_1');
    const { auth } = glimpse.anonymous();
    expect((await auth.login.mutate({ login: 'carol_1@example.com', password: carol.password })).user.username).toBe('carol_1');
    expect((await auth.login.mutate({ login: 'Carol_1', password: carol.password })).user.username).toBe('carol_1');
    expect(await failure(auth.login.mutate({ login: 'carol_1', password: 'wrong password' }))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect(await failure(auth.login.mutate({ login: 'nobody_here', password: 'whatever1' }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('rotates refresh tokens: the new pair works, the old refresh token stops working', async () => {
    const dave = await glimpse.signUp('dave_1');
    const { auth } = glimpse.anonymous();
    const next = await auth.refresh.mutate({ refreshToken: dave.refreshToken });
    expect(next.refreshToken).not.toBe(dave.refreshToken);
    expect(await glimpse.signedIn(next.accessToken).auth.me.query()).toMatchObject({ username: 'dave_1' });
    expect(await failure(auth.refresh.mutate({ refreshToken: 'made-up-token' }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('revokes the whole family when an old refresh token is reused (theft detection)', async () => {
    const erin = await glimpse.signUp('erin_1');
    const { auth } = glimpse.anonymous();
    const second = await auth.refresh.mutate({ refreshToken: erin.refreshToken! });
    // An attacker replays the first token: refused, and the legitimate newer one dies too.
    expect(await failure(auth.refresh.mutate({ refreshToken: erin.refreshToken! }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await failure(auth.refresh.mutate({ refreshToken: second.refreshToken! }))).toMatchObject({ code: 'UNAUTHORIZED' });
    // Signing in again starts a fresh family.
    const again = await auth.login.mutate({ login: 'erin_1', password: erin.password });
    expect((await auth.refresh.mutate({ refreshToken: again.refreshToken! })).user.username).toBe('erin_1');
  });

  it('logout ends the session: its refresh token no longer works', async () => {
    const fay = await glimpse.signUp('fay_1');
    const { auth } = glimpse.anonymous();
    await auth.logout.mutate({ refreshToken: fay.refreshToken });
    expect(await failure(auth.refresh.mutate({ refreshToken: fay.refreshToken }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses tampered, expired and foreign access tokens', async () => {
    const gus = await glimpse.signUp('gus_1');
    const [header, payload, signature] = gus.accessToken.split('.') as [string, string, string];
    const claims = decodeJwt(gus.accessToken);
    const forged = Buffer.from(JSON.stringify({ ...claims, username: 'admin' })).toString('base64url');
    const tampered = `${header}.${forged}.${signature}`;
    expect(payload).not.toBe(forged);
    expect(await failure(glimpse.signedIn(tampered).auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });

    const foreignKey = new TextEncoder().encode('a-secret-that-is-not-ours-0123456789');
    const foreign = await new SignJWT({ username: 'gus_1' }).setProtectedHeader({ alg: 'HS256' }).setSubject(gus.user.id).setIssuer('glimpse').setAudience('glimpse-api').setExpirationTime('1h').sign(foreignKey);
    expect(await failure(glimpse.signedIn(foreign).feed.like.mutate({ imageId: '00000000-0000-4000-8000-000000000000' }))).toMatchObject({ code: 'UNAUTHORIZED' });

    expect(await failure(glimpse.signedIn('garbage').auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await failure(glimpse.anonymous().auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses an expired access token with a message saying so', async () => {
    const shortLived = await startTestGateway({ ACCESS_TOKEN_TTL_SECONDS: '1' });
    try {
      const hal = await shortLived.signUp('hal_1');
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const result = await failure(hal.auth.me.query());
      expect(result).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(result.message).toMatch(/expired/);
    } finally {
      await shortLived.stop();
    }
  });

  it('publishes the public key set other services verify tokens with', async () => {
    const response = await glimpse.get('/.well-known/jwks.json');
    const jwks = (await response.json()) as { keys: Array<{ kty: string; crv: string; d?: string }> };
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});

describe('the browser session cookie', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${glimpse.url}/api/auth/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Glimpse-Refresh': 'cookie', ...headers }, body: JSON.stringify(body) });
  const cookieOf = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('glimpse_refresh='));

  it('keeps the refresh token out of the body, in an HttpOnly SameSite=Strict cookie, rotated by refresh and cleared by logout', async () => {
    const signup = await post('signup', { email: 'cookie@example.com', username: 'cookie_user', password: 'correct horse battery' });
    expect(signup.status).toBe(200);
    const body = (await signup.json()) as { result: { data: { refreshToken: string | null; accessToken: string } } };
    expect(body.result.data.refreshToken).toBeNull();
    expect(body.result.data.accessToken).toMatch(/\./);
    const first = cookieOf(signup)!;
    expect(first).toMatch(/HttpOnly/);
    expect(first).toMatch(/SameSite=Strict/);
    expect(first).toMatch(/Path=\/api\/auth/);
    expect(first).not.toMatch(/Secure/); // plain http on 127.0.0.1; behind TLS it is Secure
    const token = first.split(';')[0]!;

    const refreshed = await post('refresh', {}, { Cookie: token });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { result: { data: { refreshToken: string | null } } }).result.data.refreshToken).toBeNull();
    const second = cookieOf(refreshed)!.split(';')[0]!;
    expect(second).not.toBe(token);
    // The old cookie is spent (rotation), and replaying it revokes the family.
    expect((await post('refresh', {}, { Cookie: token })).status).toBe(401);
    expect((await post('refresh', {}, { Cookie: second })).status).toBe(401);

    const again = await post('login', { login: 'cookie_user', password: 'correct horse battery' });
    const third = cookieOf(again)!.split(';')[0]!;
    const logout = await post('logout', {}, { Cookie: third });
    expect(logout.status).toBe(200);
    expect(cookieOf(logout)).toMatch(/^glimpse_refresh=; Max-Age=0/);
    expect((await post('refresh', {}, { Cookie: third })).status).toBe(401);
    // With neither a body token nor a cookie, the error says what to send.
    const none = await post('refresh', {});
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/^refreshToken: /);
  });

  it('is Secure behind TLS (the trusted proxy says https)', async () => {
    const signup = await post('signup', { email: 'tls@example.com', username: 'tls_user', password: 'correct horse battery' }, { 'X-Forwarded-Proto': 'https' });
    expect(cookieOf(signup)).toMatch(/; Secure/);
  });
});
