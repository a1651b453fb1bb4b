import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiConfig } from '../config/types.js';
import { isAdminPath, isOpenPath } from './auth-path.js';
import { anthropicErrorBody } from './anthropic-compat/errors.js';
import { API_KEY_HEADER, isAnthropicCompatPath } from './anthropic-compat/paths.js';
import { openAiErrorBody } from './openai-compat/errors.js';
import { isOpenAiCompatPath } from './openai-compat/paths.js';

export const AUTH_REALM = 'llm-ladder';

/** How the API is protected, for the CLI to decide where to listen and what to say at start. */
export interface AuthMode {
  /** True when at least one token is configured. */
  required: boolean;
  /** Where the server should listen: anywhere with tokens, loopback only without. */
  bindHost: '0.0.0.0' | '127.0.0.1';
  /** One line for the start-up log. */
  message: string;
}

/** Empty strings are dropped: an empty token would match an empty `Bearer` header. */
function usableTokens(tokens: readonly string[]): string[] {
  return tokens.map((t) => t.trim()).filter((t) => t.length > 0);
}

export function authMode(config: Pick<ApiConfig, 'tokens'>): AuthMode {
  const count = usableTokens(config.tokens).length;
  if (count > 0) {
    return {
      required: true,
      bindHost: '0.0.0.0',
      message: `API auth on: ${count} token(s); /v1, /metrics and /admin need a bearer token`,
    };
  }
  return {
    required: false,
    bindHost: '127.0.0.1',
    message:
      'no API token configured (api.tokens or LADDER_API_TOKENS): the API is open, so it listens on 127.0.0.1 only',
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares hashes (equal length) in constant time, and checks every token without stopping early. */
export function tokenMatcher(tokens: readonly string[]): (candidate: string) => boolean {
  const digests = usableTokens(tokens).map(digest);
  return (candidate) => {
    const given = digest(candidate);
    let matched = 0;
    for (const known of digests) matched |= timingSafeEqual(given, known) ? 1 : 0;
    return matched === 1;
  };
}

/** The token from `Bearer <token>`, or from `Basic` (the password) when basic is allowed. */
export function credentialFrom(header: string | undefined, allowBasic: boolean): string | null {
  if (header === undefined) return null;
  const match = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(header);
  if (match === null) return null;
  const scheme = (match[1] ?? '').toLowerCase();
  const value = match[2] ?? '';
  if (scheme === 'bearer') return value;
  if (scheme !== 'basic' || !allowBasic) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : decoded.slice(colon + 1);
}

function apiKeyFrom(header: string | string[] | undefined): string | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value === undefined || value === '' ? null : value;
}

/**
 * The first middleware of the app. Everything needs a token except the open paths; with no token
 * configured the API is open (and the CLI binds to loopback, see `authMode`). Answers never echo
 * the header or the token.
 */
export function createAuthMiddleware(config: Pick<ApiConfig, 'tokens'>): RequestHandler {
  const required = authMode(config).required;
  const matches = tokenMatcher(config.tokens);
  return (req, res, next) => {
    if (!required || isOpenPath(req.originalUrl)) {
      next();
      return;
    }
    const admin = isAdminPath(req.originalUrl);
    const anthropic = isAnthropicCompatPath(req.originalUrl);
    const credential =
      credentialFrom(req.headers.authorization, admin) ??
      // The Anthropic SDK sends its key as x-api-key.
      (anthropic ? apiKeyFrom(req.headers[API_KEY_HEADER]) : null);
    if (credential !== null && matches(credential)) {
      next();
      return;
    }
    // Basic makes browsers prompt on the dashboard; API clients get the bearer challenge.
    res.setHeader(
      'WWW-Authenticate',
      admin ? `Basic realm="${AUTH_REALM}"` : `Bearer realm="${AUTH_REALM}"`,
    );
    const message =
      credential === null
        ? `a token is required: send Authorization: Bearer <token>${anthropic ? ' or x-api-key: <token>' : ''}`
        : 'the token is not valid';
    if (anthropic) {
      res.status(401).json(anthropicErrorBody('authentication_error', message));
      return;
    }
    // OpenAI SDKs read their own error shape (and raise AuthenticationError from it).
    if (isOpenAiCompatPath(req.originalUrl)) {
      res.status(401).json(openAiErrorBody(message, 'authentication_error', 'invalid_api_key'));
      return;
    }
    res.status(401).json({ error: { message } });
  };
}
