import { createServer, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, guardedLookup, type Resolver } from '../../shared/webhooks/url-guard.js';

const production = { requireHttps: true, allowLoopback: false };
const local = { requireHttps: false, allowLoopback: true };

/** A fake DNS: no test depends on the network. */
const dns: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
  localhost: ['127.0.0.1', '::1'],
  'metadata.attacker.example': ['169.254.169.254'],
  'mixed.attacker.example': ['93.184.216.34', '10.0.0.7'],
  'internal.attacker.example': ['192.168.0.10'],
};
const resolver: Resolver = async (hostname) => {
  const addresses = dns[hostname];
  if (!addresses) throw new Error(`ENOTFOUND ${hostname}`);
  return addresses;
};

describe('webhook URLs refused in production (SSRF)', () => {
  it.each([
    ['https://169.254.169.254/latest/meta-data/', 'cloud metadata (link-local)'],
    ['https://[::ffff:169.254.169.254]/', 'metadata as IPv4-mapped IPv6'],
    ['https://[::ffff:a9fe:a9fe]/', 'metadata as hex IPv4-mapped IPv6'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'metadata through NAT64'],
    ['https://127.0.0.1/', 'loopback'],
    ['https://127.1.2.3:8443/hook', 'loopback /8'],
    ['https://[::1]/', 'IPv6 loopback'],
    ['https://2130706433/', 'loopback as a decimal integer'],
    ['https://0x7f.0.0.1/', 'loopback in hex'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://[::]/', 'IPv6 unspecified'],
    ['https://10.1.2.3/', 'private 10/8'],
    ['https://172.16.0.1/', 'private 172.16/12'],
    ['https://192.168.1.1/', 'private 192.168/16'],
    ['https://100.64.0.1/', 'CGNAT'],
    ['https://224.0.0.1/', 'multicast'],
    ['https://[ff02::1]/', 'IPv6 multicast'],
    ['https://[fe80::1]/', 'IPv6 link-local'],
    ['https://[fd00::1]/', 'IPv6 unique local'],
    ['https://[::a9fe:a9fe]/', 'metadata as IPv4-compatible IPv6 (::/96)'],
    ['https://[::7f00:1]/', 'loopback as IPv4-compatible IPv6'],
    ['https://[::a00:1]/', 'private 10/8 as IPv4-compatible IPv6'],
    ['https://[::ffff:0:a9fe:a9fe]/', 'metadata as SIIT IPv4-translated IPv6 (::ffff:0:0:0/96)'],
    ['https://[::ffff:7f00:1]/', 'loopback as IPv4-mapped IPv6 (::ffff:0:0/96)'],
    ['https://[2002:a9fe:a9fe::1]/', 'metadata through 6to4 (2002::/16)'],
    ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'Teredo (2001::/32)'],
    ['https://[2001:db8::1]/', 'documentation range'],
    ['https://[100::1]/', 'discard-only range'],
    ['https://[64:ff9b:1::a9fe:a9fe]/', 'local-use NAT64 (64:ff9b:1::/48)'],
    ['https://localhost/', 'a name for loopback'],
    ['https://metadata.attacker.example/', 'a public-looking name for the metadata service'],
    ['https://mixed.attacker.example/', 'a name with one private address among public ones'],
    ['https://unknown.invalid/', 'a name that does not resolve'],
    ['http://hooks.example.com/', 'plain http'],
    ['ftp://hooks.example.com/', 'another scheme'],
    ['https://user:secret@hooks.example.com/', 'credentials in the URL'],
    ['not a url', 'not a URL'],
  ])('%s (%s)', async (url) => {
    const verdict = await checkWebhookUrl(url, production, resolver);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toBeTruthy();
  });

  it.each([
    'https://hooks.example.com/webhooks',
    'https://v6.example.com:8443/x',
    'https://93.184.216.34/hook',
    'https://[2606:2800:220:1:248:1893:25c8:1946]/hook',
  ])('accepts %s', async (url) => {
    expect((await checkWebhookUrl(url, production, resolver)).ok).toBe(true);
  });
});

describe('local mode', () => {
  it('allows loopback over http for demos, and nothing else private', async () => {
    expect((await checkWebhookUrl('http://127.0.0.1:4000/hooks', local, resolver)).ok).toBe(true);
    expect((await checkWebhookUrl('http://localhost:4000/hooks', local, resolver)).ok).toBe(true);
    expect((await checkWebhookUrl('http://[::1]:4000/', local, resolver)).ok).toBe(true);
    expect((await checkWebhookUrl('http://169.254.169.254/', local, resolver)).ok).toBe(false);
    expect((await checkWebhookUrl('http://internal.attacker.example/', local, resolver)).ok).toBe(false);
  });
});

describe('connect-time check (DNS rebinding)', () => {
  it('refuses to connect when the name now resolves to a forbidden address', async () => {
    let answers = ['93.184.216.34'];
    const rebinding: Resolver = async () => answers;
    expect((await checkWebhookUrl('https://rebind.example/', production, rebinding)).ok).toBe(true);

    answers = ['127.0.0.1'];
    const server = createServer((_request, response) => response.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const outcome = await new Promise<string>((resolve) => {
        const req = request(
          { host: 'rebind.example', port, path: '/', lookup: guardedLookup(production, rebinding) as never },
          (res) => {
            res.resume();
            resolve(`connected ${res.statusCode}`);
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code}`));
        req.end();
      });
      expect(outcome).toBe('refused EADDRNOTAVAIL_SSRF');
    } finally {
      server.close();
    }
  });
});
