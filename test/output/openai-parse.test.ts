import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { structured, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { startRunningLadder, TOKEN, type RunningLadder } from '../openai-compat/running-ladder.js';

let fake: FakeProvider;
let running: RunningLadder;

withFakeProvider((f) => (fake = f));
beforeEach(async () => {
  running = await startRunningLadder(fake);
});
afterEach(async () => {
  await running.close();
  fake.reset();
});

const Invoice = z.object({
  number: z.number().int(),
  customer: z.string(),
  paid: z.boolean(),
});

describe('structured output through the ladder’s HTTP ways in', () => {
  it("the openai SDK's chat.completions.parse() gets a parsed, schema-valid message", async () => {
    // Level 1 answers off-schema: the SDK still gets a valid object, from level 2.
    fake.script('openai', 'gpt-4o', structured('off_schema'));
    fake.script('anthropic', 'claude-sonnet-4-6', structured('valid'));
    const completion = await running.client().chat.completions.parse({
      model: 'ladder',
      messages: [{ role: 'user', content: 'Invoice 42 for ACME, paid.' }],
      response_format: zodResponseFormat(Invoice, 'invoice'),
    });
    const message = completion.choices[0]?.message;
    expect(message?.parsed).toEqual({
      number: 1,
      customer: expect.any(String) as string,
      paid: true,
    });
    expect(Invoice.safeParse(message?.parsed).success).toBe(true);
    const [sent] = fake.requests('openai', 'gpt-4o');
    expect((sent?.body as { response_format?: unknown }).response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'invoice', strict: true },
    });
    const [anthropic] = fake.requests('anthropic', 'claude-sonnet-4-6');
    expect((anthropic?.body as { output_config?: unknown }).output_config).toMatchObject({
      format: {
        type: 'json_schema',
        schema: { type: 'object', required: ['number', 'customer', 'paid'] },
      },
    });
  });

  it('/v1/chat/completions refuses an unsafe schema with a 400 naming its param', async () => {
    const error = await running
      .client()
      .chat.completions.create({
        model: 'ladder',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'x', schema: { type: 'string', pattern: '^(a+)+$' } },
        },
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(
      'response_format.json_schema.schema.pattern',
    );
    expect(fake.requests()).toEqual([]);
  });

  it('POST /v1/jobs answers 400 naming the bad schema path, and enqueues nothing', async () => {
    const response = await fetch(`${running.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'bad-schema-job',
        request: {
          messages: [{ role: 'user', content: 'x' }],
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'x',
              schema: { type: 'object', properties: { n: { type: 'integr' } } },
            },
          },
        },
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { problems?: { path: string; message: string }[] };
    };
    expect(JSON.stringify(body)).toContain('request.response_format.json_schema.schema');
    expect(JSON.stringify(body)).toContain('does not compile');
    expect(await running.ladder.ops.get('bad-schema-job')).toBeNull();
  });

  it('POST /v1/jobs with a schema serves output.parsed', async () => {
    fake.script('openai', 'gpt-4o', structured('valid'));
    const response = await fetch(`${running.url}/v1/jobs?wait=10`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        request: {
          messages: [{ role: 'user', content: 'x' }],
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'n',
              schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
            },
          },
        },
      }),
    });
    const result = (await response.json()) as { status: string; output?: { parsed?: unknown } };
    expect(result).toMatchObject({ status: 'completed', output: { parsed: { n: 1 } } });
  });
});
