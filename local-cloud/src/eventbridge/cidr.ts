/** IPv4 / IPv6 address and CIDR block parsing for the `cidr` pattern operator. */
import { isIPv4, isIPv6 } from 'node:net';

interface Cidr {
  bits: 32 | 128;
  network: bigint;
  mask: bigint;
}

export function parseCidr(cidr: string): Cidr | undefined {
  const [address, maskText] = cidr.split('/');
  if (address === undefined || maskText === undefined || !/^\d+$/.test(maskText)) return undefined;
  const ip = parseIp(address);
  const maskBits = Number(maskText);
  if (!ip || maskBits > ip.bits) return undefined;
  const all = (1n << BigInt(ip.bits)) - 1n;
  const mask = all ^ ((1n << BigInt(ip.bits - maskBits)) - 1n);
  return { bits: ip.bits, network: ip.value & mask, mask };
}

export function cidrContains(cidr: string, address: string): boolean {
  const block = parseCidr(cidr);
  const ip = parseIp(address);
  return !!block && !!ip && block.bits === ip.bits && (ip.value & block.mask) === block.network;
}

function parseIp(address: string): { bits: 32 | 128; value: bigint } | undefined {
  if (isIPv4(address)) {
    return {
      bits: 32,
      value: address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n),
    };
  }
  if (isIPv6(address)) return { bits: 128, value: ipv6Value(address) };
  return undefined;
}

function ipv6Value(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = v4[1]!.split('.').map(Number);
    text =
      text.slice(0, v4.index) +
      `${((n[0]! << 8) | n[1]!).toString(16)}:${((n[2]! << 8) | n[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...zeros, ...tailParts].reduce(
    (acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)),
    0n,
  );
}
