/**
 * What the console never shows in full: task tokens (whoever holds one can complete the task) and anything that
 * looks like a card number (13 to 19 digits, spaces or dashes allowed, passing Luhn), of which the last four stay.
 */

const TOKEN_KEY = /^(task)?token$/i;
const CARD_LIKE = /\b\d(?:[ -]?\d){12,18}\b/g;
/** The local Step Functions' tokens are base64url JSON starting {"executionArn": (stepfunctions/tokens.ts). */
const LOCAL_TASK_TOKEN = /eyJleGVjdXRpb25Bcm4i[A-Za-z0-9_-]+/g;

export function maskText(text: string): string {
  const withoutTokens = text.replace(LOCAL_TASK_TOKEN, (token) => maskToken(token));
  return withoutTokens.replace(CARD_LIKE, (match) => {
    const digits = match.replace(/\D/g, '');
    return luhn(digits) ? `•••• ${digits.slice(-4)}` : match;
  });
}

/** A deep copy with task tokens replaced and card-like numbers cut to their last four digits. */
export function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return /^\s*[[{]/.test(value) ? maskJsonString(value) : maskText(value);
  if (typeof value === 'number' && Number.isInteger(value) && String(value).length >= 13)
    return maskText(String(value));
  if (Array.isArray(value)) return value.map(maskValue);
  if (value && typeof value === 'object') {
    const masked: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      masked[key] = TOKEN_KEY.test(key) && typeof inner === 'string' ? maskToken(inner) : maskValue(inner);
    }
    return masked;
  }
  return value;
}

/** JSON text (an execution's input, an event, a message body) masked; other text masked as text. */
export function maskJsonText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.stringify(maskValue(JSON.parse(text)), null, 2);
  } catch {
    return maskText(text);
  }
}

/** JSON inside a string (a history event's input, a task's parameters) stays a string, masked inside. */
function maskJsonString(text: string): string {
  try {
    return JSON.stringify(maskValue(JSON.parse(text)));
  } catch {
    return maskText(text);
  }
}

function maskToken(token: string): string {
  return `•••• (task token, ${token.length} characters)`;
}

function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
