import { hostname, networkInterfaces } from 'node:os';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** A host name as a Host header carries it: lower case, an IPv6 address in brackets. */
export function headerHostName(host: string): string {
  const lower = host.toLowerCase();
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host.toLowerCase());
}

/** Whether an address or name can only be reached from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/^::ffff:/, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** The names this machine answers to on a wildcard bind: every interface address and the host name. */
function machineNames(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => headerHostName(a.address.split('%')[0]!)));
  return [...addresses, hostname().toLowerCase()];
}

/**
 * The `Host` values `kiln serve` answers: the address it is bound to, the loopback names, and on a wildcard bind
 * the machine's own addresses — each with the bound port. Checking Host defeats DNS rebinding: a page from
 * evil.example whose name was re-pointed at 127.0.0.1 still sends `Host: evil.example`, and its Origin matches that
 * Host, so an Origin check alone lets it through.
 */
export class HostAllowList {
  readonly hosts: readonly string[];

  constructor(boundHost: string, port: number) {
    const names = new Set(['localhost', '127.0.0.1', '[::1]', headerHostName(boundHost)]);
    if (isWildcardHost(boundHost)) for (const name of machineNames()) names.add(name);
    for (const wildcard of WILDCARD_HOSTS) names.delete(wildcard);
    const withPort = [...names].map((name) => `${name}:${port}`);
    // A browser leaves the default port out of Host.
    this.hosts = port === 80 ? [...withPort, ...names] : withPort;
  }

  allows(hostHeader: string | undefined): boolean {
    return hostHeader !== undefined && this.hosts.includes(hostHeader.toLowerCase());
  }

  /** A request may drive the API when its Host is ours and, when a browser sends Origin, that is ours too. */
  allowsRequest(headers: { host?: string; origin?: string }): boolean {
    if (!this.allows(headers.host)) return false;
    return headers.origin === undefined || headers.origin.toLowerCase() === `http://${headers.host!.toLowerCase()}`;
  }

  /**
   * The WebSocket origins for the Content-Security-Policy's connect-src (from the bound address, never a header).
   * CSP host sources cannot be IPv6 literals (Chromium ignores them with a console error); 'self' covers those.
   */
  webSocketSources(): string[] {
    return this.hosts.filter((host) => !host.startsWith('[')).map((host) => `ws://${host}`);
  }
}
