import { afterEach, describe, expect, it } from 'vitest';
import {
  requestedFormat,
  structured,
  toolCall,
  type FakeProvider,
  type FakeProviderName,
} from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});

const TARGETS: Record<FakeProviderName, string> = {
  anthropic: 'claude-sonnet-4-6',
  openai: 'gpt-4o',
  google: 'gemini-2.0-flash',
};
const PROVIDERS = Object.keys(TARGETS) as FakeProviderName[];
/** The target after `provider` in the level: where an invalid answer goes next. */
const nextOf = (provider: FakeProviderName): FakeProviderName =>
  PROVIDERS[(PROVIDERS.indexOf(provider) + 1) % PROVIDERS.length]!;

const ORDER = {
  type: 'object',
  properties: {
    order_id: { type: 'string' },
    total: { type: 'number', minimum: 0 },
    items: { type: 'array', items: { type: 'string' } },
  },
  required: ['order_id', 'total', 'items'],
  additionalProperties: false,
};

const schemaJob = () =>
  job('Extract the order', {
    request: {
      messages: [{ role: 'user', content: 'Extract the order from: #A-1, 2 pens, $3' }],
      max_tokens: 200,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'order', schema: ORDER, strict: true },
      },
    },
  });

async function start(first: FakeProviderName): Promise<void> {
  const second = nextOf(first);
  ladder = await startTestLadder(
    testConfig(
      {
        levels: [
          { name: 'full', targets: [`${first}/${TARGETS[first]}`, `${second}/${TARGETS[second]}`] },
          { name: 'static', serve: 'static', message: 'limited' },
        ],
      },
      fake,
    ),
  );
}

describe.each(PROVIDERS)('structured output through %s', (provider) => {
  const model = TARGETS[provider];

  it('sends the schema in the native form and serves the valid answer with output.parsed', async () => {
    await start(provider);
    fake.script(provider, model, structured('valid'));
    const { id } = await ladder!.ops.enqueue(schemaJob());
    const result = await ladder!.ops.result(id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'completed', provider, model });
    expect(result?.output?.parsed).toEqual({
      order_id: expect.any(String) as string,
      total: 1,
      items: [expect.any(String) as string],
    });
    const [request] = fake.requests(provider, model);
    expect(requestedFormat(provider, request?.body)).toEqual({ schema: ORDER });
    const body = request?.body as Record<string, Record<string, unknown>>;
    if (provider === 'openai')
      expect(body.response_format).toEqual({
        type: 'json_schema',
        json_schema: { name: 'order', schema: ORDER, strict: true },
      });
    if (provider === 'anthropic')
      expect(body.output_config).toEqual({ format: { type: 'json_schema', schema: ORDER } });
    if (provider === 'google')
      expect(body.generationConfig).toMatchObject({
        responseMimeType: 'application/json',
        responseJsonSchema: ORDER,
      });
  });

  it.each([
    ['not_json', 'the answer is not JSON'],
    ['off_schema', '/order_id must be string'],
  ] as const)(
    'moves a %s answer on to the next target with invalid_output in the trail',
    async (answer, says) => {
      await start(provider);
      const next = nextOf(provider);
      fake.script(provider, model, structured(answer));
      fake.script(next, TARGETS[next], structured('valid'));
      const { id } = await ladder!.ops.enqueue(schemaJob());
      const result = await ladder!.ops.result(id, { timeoutMs: 10_000 });
      expect(result).toMatchObject({ status: 'completed', provider: next });
      expect(result?.attempts[0]).toMatchObject({
        provider,
        outcome: 'error',
        class: 'invalid_output',
        error: expect.stringContaining(says) as string,
      });
    },
  );

  it('moves tool arguments that break the tool schema on to the next target', async () => {
    await start(provider);
    const next = nextOf(provider);
    fake.script(provider, model, toolCall('lookup_order', { order_id: 42 }));
    fake.script(next, TARGETS[next], toolCall('lookup_order', { order_id: 'A-1' }));
    const { id } = await ladder!.ops.enqueue(
      job('Find order A-1', {
        request: {
          messages: [{ role: 'user', content: 'Find order A-1' }],
          tools: [
            {
              name: 'lookup_order',
              input_schema: {
                type: 'object',
                properties: { order_id: { type: 'string' } },
                required: ['order_id'],
              },
            },
          ],
          tool_choice: 'required',
        },
      }),
    );
    const result = await ladder!.ops.result(id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'completed', provider: next });
    expect(result?.output?.tool_calls[0]?.arguments).toEqual({ order_id: 'A-1' });
    expect(result?.attempts[0]).toMatchObject({
      provider,
      class: 'invalid_output',
      error: expect.stringContaining('arguments /order_id must be string') as string,
    });
  });
});
