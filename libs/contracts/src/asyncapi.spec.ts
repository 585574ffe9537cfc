import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SAMPLE_DATA } from './__fixtures__/sample-data';
import { eventSource, makeEvent } from './cloud-event';
import { EVENTS_STREAM, EVENT_SUBJECTS, eventTypeOf, type EventKey } from './subjects';

interface AsyncApiDocument {
  asyncapi: string;
  'x-jetstream-stream': { name: string; subjects: string[] };
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: { messages: Record<string, { name: string; payload: { $ref: string } }> };
}

const doc = parse(readFileSync(join(__dirname, '..', 'asyncapi.yaml'), 'utf8')) as AsyncApiDocument;
const keys = Object.keys(EVENT_SUBJECTS) as EventKey[];

function resolve<T>(ref: string): T {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], doc) as T;
}

function channelOf(key: EventKey): [string, AsyncApiDocument['channels'][string]] {
  const channel = Object.entries(doc.channels).find(([, c]) => c.address === EVENT_SUBJECTS[key]);
  if (!channel) throw new Error(`no channel for ${EVENT_SUBJECTS[key]}`);
  return channel;
}

describe('asyncapi.yaml', () => {
  it('is AsyncAPI 3 and describes the DICOM_EVENTS stream', () => {
    expect(doc.asyncapi).toMatch(/^3\./);
    expect(doc['x-jetstream-stream']).toMatchObject({ name: EVENTS_STREAM.name, subjects: [EVENTS_STREAM.subjects] });
  });

  it('has a channel for every subject and a subject for every channel', () => {
    const addresses = Object.values(doc.channels).map((channel) => channel.address);
    expect(addresses.sort()).toEqual(Object.values(EVENT_SUBJECTS).sort());
  });

  it('names each message after its CloudEvents type and sends it on one operation', () => {
    for (const key of keys) {
      const [channelName, { messages }] = channelOf(key);
      const refs = Object.values(messages);
      expect(refs).toHaveLength(1);
      expect(resolve<{ name: string }>(refs[0].$ref).name).toBe(eventTypeOf(EVENT_SUBJECTS[key]));
      const senders = Object.values(doc.operations).filter((op) => op.channel.$ref === `#/channels/${channelName}`);
      expect(senders).toEqual([expect.objectContaining({ action: 'send' })]);
    }
  });

  describe('payload schemas accept the events makeEvent builds', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
    ajv.addSchema(doc as object, 'asyncapi');

    function validatorFor(key: EventKey) {
      const [, channel] = channelOf(key);
      const message = resolve<{ payload: { $ref: string } }>(Object.values(channel.messages)[0].$ref);
      const validate = ajv.getSchema(`asyncapi${message.payload.$ref}`);
      if (!validate) throw new Error(`no schema at ${message.payload.$ref}`);
      return validate;
    }

    it.each(keys)('%s', (key) => {
      const validate = validatorFor(key);
      const event = makeEvent(key, SAMPLE_DATA[key], { source: eventSource('test') });
      expect(validate(event) ? [] : validate.errors).toEqual([]);
    });

    it('rejects an event whose type does not match its channel', () => {
      const event = makeEvent('deliveryFailed', SAMPLE_DATA.deliveryFailed, { source: eventSource('test') });
      expect(validatorFor('deliverySucceeded')(event)).toBe(false);
    });

    it('rejects a stored event without a checksum', () => {
      const { sha256: _sha256, ...storage } = SAMPLE_DATA.instanceStored.storage;
      const event = makeEvent('instanceStored', { ...SAMPLE_DATA.instanceStored, storage } as never, { source: eventSource('test') });
      expect(validatorFor('instanceStored')(event)).toBe(false);
    });
  });
});
