/**
 * Which network addresses a venue fetch may reach: public unicast only. Loopback, private
 * (RFC 1918, IPv6 unique-local), link-local (which holds the cloud metadata services
 * `169.254.169.254` and `fd00:ec2::254`), carrier-grade NAT, unspecified, multicast, broadcast
 * and reserved ranges are "internal"; so are IPv6 forms that embed an internal IPv4 address
 * (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`).
 *
 * @example
 * ```ts
 * import { internalAddressReason } from "./address.ts";
 * internalAddressReason("169.254.169.254"); // "link-local (cloud metadata) address"
 * internalAddressReason("93.184.215.14");   // null: public
 * ```
 * @module
 */

/** IPv4 ranges refused, as [first octets, prefix length, reason]. */
const V4_RANGES: ReadonlyArray<[number[], number, string]> = [
  [[0], 8, "unspecified (0.0.0.0/8) address"],
  [[10], 8, "private (10.0.0.0/8) address"],
  [[100, 64], 10, "carrier-grade NAT (100.64.0.0/10) address"],
  [[127], 8, "loopback address"],
  [[169, 254], 16, "link-local (cloud metadata) address"],
  [[172, 16], 12, "private (172.16.0.0/12) address"],
  [[192, 0, 0], 24, "IETF protocol (192.0.0.0/24) address"],
  [[192, 168], 16, "private (192.168.0.0/16) address"],
  [[198, 18], 15, "benchmarking (198.18.0.0/15) address"],
  [[224], 4, "multicast address"],
  [[240], 4, "reserved (240.0.0.0/4) or broadcast address"],
];

/** Parses dotted-quad IPv4 into 4 octets, or null. */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return octets.every((o) => o >= 0 && o <= 255) ? octets : null;
}

/** Parses an IPv6 address (with optional embedded IPv4 tail, no zone) into 8 groups, or null. */
export function parseIPv6(text: string): number[] | null {
  let s = text.toLowerCase();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (s.includes(".")) {
    const at = s.lastIndexOf(":");
    const v4 = parseIPv4(s.slice(at + 1));
    if (!v4) return null;
    const hi = ((v4[0] << 8) | v4[1]).toString(16), lo = ((v4[2] << 8) | v4[3]).toString(16);
    s = `${s.slice(0, at + 1)}${hi}:${lo}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const group = (h: string) => (h === "" ? [] : h.split(":"));
  const head = group(halves[0]);
  const rest = halves.length === 2 ? group(halves[1]) : [];
  const hex = (g: string) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN);
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 0) return null;
    groups = [...head.map(hex), ...Array(fill).fill(0), ...rest.map(hex)];
  } else {
    groups = head.map(hex);
  }
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : null;
}

function v4Reason(o: number[]): string | null {
  for (const [prefix, bits, reason] of V4_RANGES) {
    let ok = true;
    for (let b = 0; b < bits; b++) {
      const byte = Math.floor(b / 8), bit = 7 - (b % 8);
      const want = ((prefix[byte] ?? 0) >> bit) & 1;
      if (((o[byte] >> bit) & 1) !== want) {
        ok = false;
        break;
      }
    }
    if (ok) return reason;
  }
  return null;
}

function v6Reason(g: number[]): string | null {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const embedded = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
  if (g.every((x) => x === 0)) return "unspecified (::) address";
  if (zeroUpTo(7) && g[7] === 1) return "loopback address";
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d
  if (zeroUpTo(5) && g[5] === 0xffff) return v4Reason(embedded(g[6], g[7]));
  if (zeroUpTo(6)) return v4Reason(embedded(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return v4Reason(embedded(g[6], g[7]));
  }
  if (g[0] === 0x2002) return v4Reason(embedded(g[1], g[2])); // 6to4
  if ((g[0] & 0xfe00) === 0xfc00) return "unique-local (fc00::/7) address";
  if ((g[0] & 0xffc0) === 0xfe80) return "link-local (fe80::/10) address";
  if ((g[0] & 0xffc0) === 0xfec0) return "site-local (fec0::/10) address";
  if ((g[0] & 0xff00) === 0xff00) return "multicast address";
  return null;
}

/**
 * Why `address` (an IPv4 or IPv6 literal, brackets allowed) is internal, or null when it is a
 * public unicast address. A string that is neither form is reported as unparseable.
 */
export function internalAddressReason(address: string): string | null {
  const v4 = parseIPv4(address);
  if (v4) return v4Reason(v4);
  const v6 = parseIPv6(address);
  if (v6) return v6Reason(v6);
  return "unparseable address";
}

/** True when `host` (a URL hostname) is an IP literal rather than a name. */
export function isIpLiteral(host: string): boolean {
  return parseIPv4(host) !== null || (host.startsWith("[") && host.endsWith("]"));
}
