import { apiClients, signUp } from '@glimpse/api-client';
import { freePort, linkIn, startSmtpCapture, type SmtpCapture } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVICES, glimpseCli, startStack, waitFor, type Stack } from './harness';

/**
 * Email in the production shape: the auth service writes the job through the outbox, its
 * relay publishes it to RabbitMQ, the notifier (its own process) sends it to a real SMTP
 * server on 127.0.0.1. With the SMTP server down the job is retried through RabbitMQ's delayed
 * retries, survives a restart of the notifier, and the email arrives once SMTP is back, once.
 */
const PUBLIC_URL = 'http://glimpse.stack.test';
let smtp: SmtpCapture;
let stack: Stack;

beforeAll(async () => {
  smtp = await startSmtpCapture(await freePort());
  stack = await startStack({
    services: [...DEFAULT_SERVICES, 'notifier'],
    env: { SMTP_URL: smtp.url, PUBLIC_URL, MAIL_FROM: 'Glimpse <stack@example.test>', MAIL_MAX_ATTEMPTS: '30' },
  });
});
afterAll(async () => {
  await stack?.stop();
  await smtp?.stop();
});

const sample = async (outcome: 'processed' | 'retried' | 'dead_lettered') => {
  const text = await (await fetch(`${stack.serviceUrl('notifier')}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('glimpse_jobs_total{') && l.includes('queue="notifications"') && l.includes(`outcome="${outcome}"`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('email while the SMTP server is down', () => {
  it('retries through RabbitMQ, survives a notifier restart, and delivers once SMTP is back, once', async () => {
    const started = Date.now();
    await signUp(stack.url, 'stackmail');
    const [confirm] = await smtp.waitFor('stackmail@example.com', /confirm your email/i, { timeoutMs: 60_000 });
    console.log(`sign-up → verification email through RabbitMQ and the notifier process: ${confirm!.receivedAt - started} ms`);
    expect(`${linkIn(confirm!).origin}${linkIn(confirm!).pathname}`).toBe(`${PUBLIC_URL}/verify-email`);

    await smtp.stop();
    const requestedAt = Date.now();
    await apiClients(stack.url).auth.requestPasswordReset.mutate({ email: 'stackmail@example.com' });
    await waitFor(async () => (await sample('retried')) >= 2, 'the notifier to retry against the stopped SMTP server', 60_000, 200);

    // The notifier goes away and comes back while its job waits in RabbitMQ for the next attempt.
    expect(await stack.kill('notifier', 'SIGTERM')).toBe(0);
    await stack.start('notifier');
    await sleep(1_000);
    expect(smtp.to('stackmail@example.com', /reset/i)).toHaveLength(0);

    const backAt = Date.now();
    await smtp.start();
    const [reset] = await smtp.waitFor('stackmail@example.com', /reset your glimpse password/i, { timeoutMs: 120_000 });
    console.log(`SMTP down for ${backAt - requestedAt} ms; the reset email arrived ${reset!.receivedAt - backAt} ms after it came back`);
    expect(linkIn(reset!).pathname).toBe('/reset-password');

    await sleep(3_000);
    expect(smtp.to('stackmail@example.com', /reset/i)).toHaveLength(1);
    expect(await sample('dead_lettered')).toBe(0);
    expect(glimpseCli(stack, 'dead-letters', '--queue', 'notifications')).toContain('0 dead letter(s) in notifications');
  });
});
