import { apiClients } from '@glimpse/api-client';
import { linkIn, noiseJpeg, startSmtpCapture, type SmtpCapture } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness';

/** REQUIRE_VERIFIED_EMAIL_FOR_UPLOAD=true: an account uploads only once its address is confirmed. */
let smtp: SmtpCapture;
let glimpse: TestGateway;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  glimpse = await startTestGateway({ SMTP_URL: smtp.url, REQUIRE_VERIFIED_EMAIL_FOR_UPLOAD: 'true' });
});
afterAll(async () => {
  await glimpse?.stop();
  await smtp?.stop();
});

describe('uploads from unverified accounts, when the deployment asks for a confirmed address', () => {
  it('are refused with FORBIDDEN saying why, and accepted once the link in the email was opened', async () => {
    const photo = await noiseJpeg(200, 150);
    const una = await glimpse.signUp('una');
    const refused = await glimpse.upload(una, photo);
    expect(refused.status).toBe(403);
    expect(refused.error?.data.code).toBe('FORBIDDEN');
    expect(refused.error?.message).toMatch(/^Confirm your email address before uploading/);
    expect((await una.upload.mine.query({})).items).toHaveLength(0);

    const [mail] = await smtp.waitFor('una@example.com', /confirm/i);
    await apiClients(glimpse.url).auth.verifyEmail.mutate({ token: linkIn(mail!).searchParams.get('token')! });
    const imageId = await glimpse.uploadOk(una, photo);
    expect((await glimpse.settle(una, imageId)).status).toBe('ready');
  });
});
