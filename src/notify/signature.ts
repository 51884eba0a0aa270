import { createHmac, timingSafeEqual } from 'node:crypto';

// X-Regwatch-Signature: sha256=<hex of HMAC-SHA256(secret, raw body)>, the GitHub-webhook
// convention receivers already know. Verify over the raw bytes received, before parsing the JSON.

export const SIGNATURE_HEADER = 'X-Regwatch-Signature';
export const DELIVERY_HEADER = 'X-Regwatch-Delivery';

export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers: true when `header` is the signature of exactly these bytes under `secret`. Constant-time. */
export function verifySignature(rawBody: Buffer | string, header: string | string[] | undefined, secret: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(value)) return false;
  const expected = Buffer.from(signBody(rawBody, secret), 'ascii');
  return timingSafeEqual(expected, Buffer.from(value, 'ascii'));
}
