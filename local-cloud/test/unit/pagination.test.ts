import { pageOf } from '../../src/pagination';

const invalid = (token: string) => new Error(`Invalid NextToken ${token}`);

describe('pageOf', () => {
  it('walks a list page by page, each item once, with no token after the last page', () => {
    const all = Array.from({ length: 23 }, (_, index) => `queue-${index}`);
    const seen: string[] = [];
    const tokens: Array<string | undefined> = [];
    let token: string | undefined;
    do {
      const page = pageOf(all, { token, limit: 10 }, invalid);
      seen.push(...page.items);
      tokens.push((token = page.nextToken));
    } while (token);
    expect(seen).toEqual(all);
    expect(tokens).toHaveLength(3);
    expect(tokens.at(-1)).toBeUndefined();
  });

  it('starts at the beginning without a token or with an empty one, and gives no token for one short page', () => {
    expect(pageOf([1, 2, 3], { token: undefined, limit: 5 }, invalid)).toEqual({
      items: [1, 2, 3],
      nextToken: undefined,
    });
    expect(pageOf([1, 2, 3], { token: '', limit: 2 }, invalid).items).toEqual([1, 2]);
  });

  it("refuses a token it did not give out with the API's own error", () => {
    expect(() => pageOf([1, 2, 3], { token: 'not-a-token', limit: 2 }, invalid)).toThrow(
      'Invalid NextToken not-a-token',
    );
    expect(() =>
      pageOf([1, 2, 3], { token: Buffer.from('-1').toString('base64url'), limit: 2 }, invalid),
    ).toThrow('Invalid NextToken');
  });

  it('gives an empty last page when the list shrank below the token', () => {
    const first = pageOf([1, 2, 3, 4], { token: undefined, limit: 3 }, invalid);
    expect(pageOf([1], { token: first.nextToken, limit: 3 }, invalid)).toEqual({
      items: [],
      nextToken: undefined,
    });
  });
});
