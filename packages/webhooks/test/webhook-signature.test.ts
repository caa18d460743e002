import { Webhook } from 'standardwebhooks';
import { issueWebhookSecret, webhookHeaders, webhookSignature } from '@fenta/core';

describe('webhook signatures', () => {
  it("match the Standard Webhooks specification's example", () => {
    const message = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestampS: 1614265330, body: '{"test": 2432232314}' };
    expect(webhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', message)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('are what the standardwebhooks package signs, for secrets Fenta issues', () => {
    const secret = issueWebhookSecret();
    const timestamp = new Date('2026-12-01T10:00:00Z');
    const message = { id: 'delivery_1', timestampS: timestamp.getTime() / 1000, body: '{"type":"render.succeeded"}' };
    expect(webhookSignature(secret, message)).toBe(new Webhook(secret).sign(message.id, timestamp, message.body));
  });

  it('list one signature per secret, space-separated, beside the id and timestamp', () => {
    const [current, previous] = [issueWebhookSecret(), issueWebhookSecret()];
    const message = { id: 'delivery_1', timestampS: 1_800_000_000, body: '{}' };
    expect(webhookHeaders(message, [current, previous])).toEqual({
      'webhook-id': 'delivery_1',
      'webhook-timestamp': '1800000000',
      'webhook-signature': `${webhookSignature(current, message)} ${webhookSignature(previous, message)}`,
    });
  });
});
