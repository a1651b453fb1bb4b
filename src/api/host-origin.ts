import type { Request, RequestHandler } from 'express';

/** Names that always mean this machine, whatever DNS says. */
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Methods that change nothing; every other one must come from the ladder's own pages. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `host[:port]` split, lower case, default port 80; null when it is not a host at all. */
export function parseHost(value: string): { name: string; port: number } | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match?.[1]) return null;
  return { name: match[1].toLowerCase(), port: match[2] === undefined ? 80 : Number(match[2]) };
}

/** Whether `host` names this machine on the port the request arrived on. */
export function isOwnLoopbackHost(
  host: string | undefined,
  localPort: number | undefined,
): boolean {
  const parsed = host === undefined ? null : parseHost(host);
  return parsed !== null && LOOPBACK_NAMES.has(parsed.name) && parsed.port === localPort;
}

function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : null;
  } catch {
    return null;
  }
}

function refuse(res: Parameters<RequestHandler>[1], message: string): void {
  res.status(403).json({ error: { message } });
}

/**
 * Guards against DNS rebinding and cross-site requests, before auth and parsing.
 *
 * Open mode (no tokens) trusts whoever reaches the loopback port, so it must be sure the caller is
 * not a web page that rebinds its own name to 127.0.0.1: such a browser sends that name as `Host`.
 * Only the loopback names on the server's own port are accepted there. In both modes a request
 * that changes state and carries an `Origin` must come from the ladder's own origin (a browser
 * always sends `Origin` on such requests; CLI and SDK clients send none).
 */
export function hostOriginGuard(options: { open: boolean }): RequestHandler {
  return (req, res, next) => {
    const host = req.headers.host;
    if (options.open && !isOwnLoopbackHost(host, req.socket.localPort)) {
      refuse(
        res,
        'the API has no tokens, so it answers only to Host localhost, 127.0.0.1 or [::1] on its own port; configure api.tokens to serve other names',
      );
      return;
    }
    if (!SAFE_METHODS.has(req.method) && !sameOrigin(req, options.open)) {
      refuse(
        res,
        'cross-origin requests that change state are refused (Origin is not this server)',
      );
      return;
    }
    next();
  };
}

/** No Origin (not a browser), or this server's: the Host itself, or in open mode any loopback name on this port. */
function sameOrigin(req: Request, open: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const from = originHost(origin);
  if (from === null) return false;
  if (open) return isOwnLoopbackHost(from, req.socket.localPort);
  return from.toLowerCase() === (req.headers.host ?? '').toLowerCase();
}
