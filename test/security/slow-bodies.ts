/** Bodies of about 1 MB that took seconds each to refuse, all on the event loop. */
export function slowBodies(): Record<string, string> {
  const base = '{"request":{"messages":[{"role":"user","content":"hi"}]}';
  const numbers = Array.from({ length: 500_000 }, () => 1).join(',');
  const keys = Array.from({ length: 60_000 }, (_, i) => `"k${i}":1`).join(',');
  return {
    'deep array under an unknown key': `${base},"junk":${'['.repeat(500_000)}${']'.repeat(500_000)}}`,
    '500,000 numbers under an unknown key': `${base},"junk":[${numbers}]}`,
    '500,000 numbers in request.stop': `{"request":{"messages":[{"role":"user","content":"hi"}],"stop":[${numbers}]}}`,
    '60,000 metadata keys': `${base},"metadata":{${keys}}}`,
  };
}
