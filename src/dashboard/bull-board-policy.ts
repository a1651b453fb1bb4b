import type { RequestHandler } from 'express';

/**
 * Bull Board's Content-Security-Policy: its scripts, styles, locales and API are all its own, so
 * everything is 'self'. Styles also allow inline ones: its loading screen and React set `style`
 * attributes. Nothing may be loaded from another host, which also blocks the Google Fonts sheet
 * its page links to, should the link survive `withoutOutsideLinks` in a later Bull Board.
 */
export const BULL_BOARD_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  // Its page sets <base href> to the mount path.
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `<link>` elements to another host (Bull Board's page links to Google Fonts). */
const OUTSIDE_LINK = /<link\b[^>]*\bhref=["']?(?:https?:)?\/\/[^>]*>/gi;

/** The page without links to other hosts: it falls back to the browser's own fonts. */
export function withoutOutsideLinks(html: string): string {
  return html.replace(OUTSIDE_LINK, '');
}

/**
 * In front of Bull Board's router: every answer gets the policy, and its HTML page is sent without
 * links to other hosts, so opening the dashboard makes no request outside this server (it would
 * tell a font host who runs a ladder, and it stalls the page offline). Its router renders the page
 * with `res.render`, which ends in `res.send`: that call is the one place to see the page whatever
 * Bull Board names its hashed assets.
 */
export const bullBoardPolicy: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', BULL_BOARD_POLICY);
  const send = res.send.bind(res);
  res.send = (body?: unknown) =>
    send(
      typeof body === 'string' && /^\s*<!doctype html/i.test(body)
        ? withoutOutsideLinks(body)
        : body,
    );
  next();
};
