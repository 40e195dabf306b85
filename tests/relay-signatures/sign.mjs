// Signs a fixed set of webhook payloads with the official `stripe` package and prints one JSON line
// per case: {"name", "payload", "secret", "timestamp", "header"}. The relay's tests check that its
// own verification accepts every header and that its own signing produces the same header.
import Stripe from 'stripe';

// No API calls are made: only the local webhook helpers are used, so a placeholder key is enough.
const stripe = new Stripe('sk_test_signatures_only');

const secrets = [
  'whsec_test_5b0c1f7a9d2e4c68b3a1f0e9d8c7b6a5',
  'whsec_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u',
];

const paymentIntentSucceeded = JSON.stringify(
  {
    id: 'evt_3Q1cross0check',
    object: 'event',
    api_version: '2026-09-30.endive',
    type: 'payment_intent.succeeded',
    data: {
      object: {
        id: 'pi_3Q1cross0check',
        object: 'payment_intent',
        amount: 1299,
        currency: 'gbp',
        metadata: { order_id: '0192f1c2-7d3e-7a10-9b55-3c2d1e0f4a5b', till_id: 'till-1' },
      },
    },
  },
  null,
  2,
);

const payloads = [
  ['payment_intent_pretty_printed', paymentIntentSucceeded],
  ['compact_with_separators', '{"id":"evt_2","note":"a,b=c;t=1,v1=00"}'],
  ['non_ascii', '{"id":"evt_3","description":"Café crème — 東京 🧾","currency":"jpy"}'],
  ['crlf_and_tabs', '{\r\n\t"id": "evt_4"\r\n}\r\n'],
  ['large', JSON.stringify({ id: 'evt_5', lines: Array.from({ length: 2000 }, (_, i) => ({ sku: `SKU-${i}`, qty: i % 7 })) })],
];

const timestamps = [1700000000, 1767225600];

for (const [name, payload] of payloads) {
  for (const secret of secrets) {
    for (const timestamp of timestamps) {
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
      process.stdout.write(`${JSON.stringify({ name, payload, secret, timestamp, header })}\n`);
    }
  }
}
