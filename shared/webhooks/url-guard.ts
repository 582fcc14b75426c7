import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';

/**
 * The SSRF guard for webhook endpoints. A URL is refused unless every address its host resolves to
 * is public unicast: private (RFC 1918), loopback, link-local (169.254.0.0/16 — the cloud metadata
 * service), CGNAT (100.64.0.0/10), multicast, unspecified (0.0.0.0, ::), unique-local, reserved and
 * translation ranges (NAT64, 6to4, Teredo, IPv4-mapped IPv6) are all refused. It runs at creation and
 * again at connect time (`guardedLookup`), so a name that re-resolves to a private address later (DNS
 * rebinding) is still refused. Local mode allows loopback only, so `npm start` demos can deliver to
 * a receiver on this machine.
 */
export interface UrlPolicy {
  /** Production: https only. */
  requireHttps: boolean;
  /** Local mode: 127.0.0.0/8 and ::1 are allowed. */
  allowLoopback: boolean;
}

export type Resolver = (hostname: string) => Promise<string[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses.map((entry) => entry.address)),
    ),
  );

/** IPv6's global unicast space (2000::/3): every other IPv6 address is local, special or an embedding. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Why an address may not be contacted, or undefined if it may. IPv4 must be public unicast. IPv6
 * must be public unicast *inside 2000::/3*: that refuses, besides the named ranges, every way of
 * embedding an IPv4 address outside it (IPv4-compatible `::/96` such as `[::a9fe:a9fe]` for
 * 169.254.169.254, SIIT `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96`), whatever ipaddr.js calls them.
 * IPv4-mapped addresses (`::ffff:a.b.c.d`) are judged as the IPv4 address they carry.
 */
export function addressProblem(
  address: string,
  policy: Pick<UrlPolicy, 'allowLoopback'>,
): string | undefined {
  if (!ipaddr.isValid(address)) return `'${address}' is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'loopback' && policy.allowLoopback) return undefined;
  if (range !== 'unicast') return `${address} is a ${range} address`;
  if (parsed.kind() === 'ipv6' && !(parsed as ipaddr.IPv6).match(GLOBAL_UNICAST_V6))
    return `${address} is not a global unicast IPv6 address (2000::/3)`;
  return undefined;
}

/** Checks a webhook URL: scheme, no credentials, and every resolved address. */
export async function checkWebhookUrl(
  raw: string,
  policy: UrlPolicy,
  resolve: Resolver = systemResolver,
): Promise<{ ok: true; url: URL } | { ok: false; reason: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  const loopbackHttp = policy.allowLoopback && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (!policy.requireHttps || loopbackHttp))) {
    return { ok: false, reason: policy.requireHttps ? 'must use https' : 'must use http or https' };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not contain credentials' };
  // WHATWG URL parsing already turned 2130706433, 0x7f.1 and friends into dotted IPv4.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : await resolve(host);
  } catch {
    return { ok: false, reason: `host ${host} does not resolve` };
  }
  if (addresses.length === 0) return { ok: false, reason: `host ${host} does not resolve` };
  for (const address of addresses) {
    const problem = addressProblem(address, policy);
    if (problem) return { ok: false, reason: `resolves to a forbidden address (${problem})` };
    if (
      url.protocol === 'http:' &&
      policy.requireHttps &&
      addressProblem(address, { allowLoopback: false })
    ) {
      return { ok: false, reason: 'must use https' };
    }
  }
  return { ok: true, url };
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `http.request`: resolves like the system does, then refuses forbidden addresses at
 * connect time. Defeats DNS rebinding between the creation check and the delivery.
 */
export function guardedLookup(policy: Pick<UrlPolicy, 'allowLoopback'>, resolve: Resolver = systemResolver) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const forbidden = addresses.map((address) => addressProblem(address, policy)).find(Boolean);
        if (forbidden || addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`Refused to connect: ${forbidden ?? 'no address'}`);
          error.code = 'EADDRNOTAVAIL_SSRF';
          callback(error, '');
          return;
        }
        const entries = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
        if (options.all) callback(null, entries);
        else callback(null, entries[0]?.address as string, entries[0]?.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
