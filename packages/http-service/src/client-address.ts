import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Who sent a request. `X-Forwarded-For` is believed only when the peer that connected is
 * one of the trusted proxies, and then only as far back as the chain stays trusted: the
 * rightmost entry that is not itself a trusted proxy is the client. Anyone else could
 * write any address there (and pick a new one per request to dodge rate limits).
 */
export interface ClientAddressResolver {
  /** The client's address. */
  clientAddress(req: IncomingMessage): string;
  /** Whether the client reached us over TLS (directly, or per a trusted proxy's X-Forwarded-Proto). */
  isSecure(req: IncomingMessage): boolean;
}

/** Parses "10.0.0.0/8, 192.168.1.7, fd00::/8"; throws naming the first entry that is not an address or CIDR. */
export function parseTrustedProxies(list: string | readonly string[] | undefined): BlockList {
  const blocks = new BlockList();
  const entries = (typeof list === 'string' ? list.split(',') : (list ?? [])).map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32) || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new Error(`"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8)`);
    }
    blocks.addSubnet(address!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return blocks;
}

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

export function createClientAddressResolver(trustedProxies?: string | readonly string[]): ClientAddressResolver {
  const trusted = parseTrustedProxies(trustedProxies);
  const trustsAnyone = trusted.rules.length > 0;
  const isTrusted = (address: string) => trustsAnyone && isIP(address) !== 0 && trusted.check(address, familyOf(address));
  const peer = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
  const forwardedFor = (req: IncomingMessage) =>
    (Array.isArray(req.headers['x-forwarded-for']) ? req.headers['x-forwarded-for'].join(',') : (req.headers['x-forwarded-for'] ?? ''))
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);

  return {
    clientAddress(req) {
      let client = peer(req);
      if (!isTrusted(client)) return client;
      const hops = forwardedFor(req);
      while (hops.length > 0) {
        const hop = hops.pop()!;
        // A hop that is not an address is a forgery or garbage; stop at the last proxy we trust.
        if (isIP(hop) === 0) return client;
        client = hop;
        if (!isTrusted(hop)) return hop;
      }
      return client;
    },
    isSecure(req) {
      if ((req.socket as { encrypted?: boolean }).encrypted) return true;
      if (!isTrusted(peer(req))) return false;
      const proto = req.headers['x-forwarded-proto'];
      return (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase() === 'https';
    },
  };
}

const resolved = new WeakMap<IncomingMessage, string | ClientAddressResolver>();

/**
 * The server names, once per request, the resolver that decides its client address; the
 * address itself is worked out the first time a procedure asks (a static file never does).
 */
export function rememberClientAddress(req: IncomingMessage, address: string | ClientAddressResolver) {
  resolved.set(req, address);
}

/** The address the server resolved, or the connected peer when the request did not come through a service server. */
export function clientAddressOf(req: IncomingMessage): string {
  const known = resolved.get(req);
  if (known === undefined) return req.socket.remoteAddress ?? 'unknown';
  if (typeof known === 'string') return known;
  const address = known.clientAddress(req);
  resolved.set(req, address);
  return address;
}
