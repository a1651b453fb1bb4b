/** The default five-level ladder on the fake provider: no retries, breakers that stay closed. */
export const FIVE_LEVELS = {
  levels: [
    { name: 'full', targets: ['anthropic/claude-opus-4-7'] },
    { name: 'reduced', targets: ['anthropic/claude-sonnet-4-6', 'openai/gpt-4o'] },
    { name: 'basic', targets: ['google/gemini-2.0-flash'] },
    { name: 'cached', serve: 'cache' },
    { name: 'static', serve: 'static', message: 'Service temporarily limited' },
  ],
  fallback: { max_retries: 0 },
  breaker: { failure_threshold: 50, minimum_calls: 50 },
};
