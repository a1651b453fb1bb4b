/** The seed's five-level ladder: full, reduced, basic, cached, static. */
export const FIVE_LEVELS = {
  levels: [
    { name: 'full', targets: ['anthropic/claude-opus-4-7'] },
    { name: 'reduced', targets: ['anthropic/claude-sonnet-4-6', 'openai/gpt-4o'] },
    { name: 'basic', targets: ['google/gemini-2.0-flash'] },
    { name: 'cached', serve: 'cache' },
    { name: 'static', serve: 'static', message: 'Service temporarily limited' },
  ],
};
