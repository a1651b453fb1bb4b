/**
 * Which paths skip auth. Deny by default: a path is open only when its raw form is exactly one of
 * OPEN_PATHS (a trailing slash allowed). Any encoding, dot segment, doubled slash or case change
 * makes it a protected path, so no spelling the router might resolve differently can open a door.
 */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/openapi.json', '/docs']);

/** The path of a request target, without query or fragment, exactly as sent. */
export function rawPathname(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

export function isOpenPath(url: string): boolean {
  const path = rawPathname(url);
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return OPEN_PATHS.has(trimmed);
}

/** Segments of lower-case letters, digits, `_` and `-` (so never `.` or `..`), none empty. */
const ALREADY_NORMAL = /^(?:\/[a-z0-9_-]+)+$/;

/**
 * The path as a lenient server might read it: decoded (repeatedly, for double encoding), backslashes
 * as slashes, dot segments resolved, doubled slashes collapsed, lower case. Null when it cannot be
 * decoded. Used only to choose which credentials a protected path accepts, never to open one.
 */
export function normalisePath(url: string): string | null {
  let path = rawPathname(url);
  // Lower-case segments with nothing to decode, resolve or collapse are already normal: the
  // common case (`/v1/jobs`), answered without building the segments (auth asks on every request).
  if (ALREADY_NORMAL.test(path)) return path;
  for (let i = 0; i < 3 && path.includes('%'); i++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return null;
    }
  }
  const segments: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment.toLowerCase());
  }
  return `/${segments.join('/')}`;
}

/**
 * `/admin` and below accept basic auth too, so a browser can log in. Decided on the raw path, as
 * sent: a path that only normalises to `/admin` (`/v1/x/..%2f..%2fadmin`, `/ADMIN`) is routed
 * elsewhere or nowhere, and must not gain a second way in.
 */
export function isAdminPath(url: string): boolean {
  const path = rawPathname(url);
  return path === '/admin' || path.startsWith('/admin/');
}
