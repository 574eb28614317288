import { maskJsonText, maskText, maskValue } from '../../../src/console/mask';

describe('what the console masks', () => {
  it('cuts a card number to its last four, spaced, dashed or bare, and leaves other digits alone', () => {
    expect(maskText('card 4242 4242 4242 4242 paid')).toBe('card •••• 4242 paid');
    expect(maskText('4000-0000-0000-0002')).toBe('•••• 0002');
    expect(maskText('order 1234567890123 of 2026')).toBe('order 1234567890123 of 2026'); // fails Luhn
    expect(maskValue({ n: 4242424242424242 })).toEqual({ n: '•••• 4242' });
  });

  it('hides task tokens by key and by shape, inside JSON held in strings too', () => {
    const token = Buffer.from(JSON.stringify({ executionArn: 'arn:x', id: '1' })).toString('base64url');
    expect(maskValue({ taskToken: 'anything' })).toEqual({ taskToken: '•••• (task token, 8 characters)' });
    expect(maskText(`token ${token}`)).not.toContain(token);
    const nested = maskJsonText(
      JSON.stringify({ Payload: JSON.stringify({ token, card: '4242424242424242' }) }),
    )!;
    expect(nested).not.toContain(token);
    expect(nested).not.toContain('4242424242424242');
  });
});
