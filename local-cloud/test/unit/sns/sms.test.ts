import { countSegments } from '../../../src/sns/sms';

// https://docs.aws.amazon.com/sms-voice/latest/userguide/sms-limitations-character.html
describe('countSegments', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['é'.repeat(160), 'GSM-7', 1],
    ['€'.repeat(80), 'GSM-7', 1],
    ['€'.repeat(81), 'GSM-7', 2],
    ['ж'.repeat(70), 'UCS-2', 1],
    ['ж'.repeat(71), 'UCS-2', 2],
    ['ж'.repeat(134), 'UCS-2', 2],
    ['ж'.repeat(135), 'UCS-2', 3],
    ['😀'.repeat(35), 'UCS-2', 1],
    ['😀'.repeat(36), 'UCS-2', 2],
  ])('%# counts %p as %s in %d segment(s)', (message, encoding, segments) => {
    expect(countSegments(message)).toEqual({ encoding, segments });
  });

  it('does not split an escaped GSM character across parts', () => {
    // 152 plain + '€' (2 septets) does not fit the 153-septet part: the euro opens part two.
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(10)}`).segments).toBe(2);
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
  });
});
