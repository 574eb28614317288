import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a payouts provider signs its webhooks with: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'payflow-provider-signature';
/** A webhook older (or further in the future) than this is refused: a replay cannot be made fresh without the key. */
const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The signature over `<t>.<raw body>`, as Stripe and others sign theirs: the time is signed with the body. */
export function signWebhook(body: string, secret: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** Why a webhook is not believed (for the log; the caller gets a bare 401), or undefined when it is. */
export function webhookRefusal(
  header: string | undefined,
  body: string,
  secret: string,
  now: Date,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): string | undefined {
  if (!header) return 'no signature header';
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(given)) return 'malformed signature header';
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return 'signature does not match';
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return `signed at ${t}, outside the tolerance`;
  return undefined;
}
