import { CloudEvent } from 'cloudevents';
import { SAMPLE_DATA } from './__fixtures__/sample-data';
import { eventSource, isEvent, makeEvent, parseCloudEventJson, subjectOfEvent } from './cloud-event';
import { EVENT_SUBJECTS, eventTypeOf, type EventKey } from './subjects';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const keys = Object.keys(EVENT_SUBJECTS) as EventKey[];
const source = eventSource('dicom-gateway');

describe('makeEvent', () => {
  it.each(keys)('%s is a valid CloudEvents 1.0 structured event', (key) => {
    const event = makeEvent(key, SAMPLE_DATA[key], { source });
    expect(new CloudEvent({ ...event }, true).validate()).toBe(true);
    expect(event).toMatchObject({
      specversion: '1.0',
      source: '/dicom-router/dicom-gateway',
      type: eventTypeOf(EVENT_SUBJECTS[key]),
      datacontenttype: 'application/json',
      data: SAMPLE_DATA[key],
    });
    expect(event.id).toMatch(UUID_V4);
    expect(new Date(event.time).toISOString()).toBe(event.time);
    expect(subjectOfEvent(event)).toBe(EVENT_SUBJECTS[key]);
    expect(isEvent(event, key)).toBe(true);
  });

  it('uses the SOP Instance UID as subject where there is one', () => {
    const uid = SAMPLE_DATA.instanceStored.sopInstanceUid;
    expect(makeEvent('instanceStored', SAMPLE_DATA.instanceStored, { source }).subject).toBe(uid);
    expect(makeEvent('deliveryFailed', SAMPLE_DATA.deliveryFailed, { source }).subject).toBe(uid);
    expect(makeEvent('associationAccepted', SAMPLE_DATA.associationAccepted, { source })).not.toHaveProperty('subject');
    expect(makeEvent('alert', SAMPLE_DATA.alert, { source, subject: 'pacs' }).subject).toBe('pacs');
  });

  it('gives every event its own id unless a stable one is given', () => {
    const a = makeEvent('alert', SAMPLE_DATA.alert, { source });
    const b = makeEvent('alert', SAMPLE_DATA.alert, { source });
    expect(a.id).not.toBe(b.id);
    const time = new Date('2026-01-02T03:04:05.678Z');
    expect(makeEvent('alert', SAMPLE_DATA.alert, { source, id: 'outbox-17', time })).toMatchObject({
      id: 'outbox-17',
      time: '2026-01-02T03:04:05.678Z',
    });
  });

  it('refuses an event without source', () => {
    expect(() => makeEvent('alert', SAMPLE_DATA.alert, { source: '' })).toThrow(/source/);
  });

  it('narrows by type', () => {
    const event = makeEvent('instanceStored', SAMPLE_DATA.instanceStored, { source });
    expect(isEvent(event, 'deliveryFailed')).toBe(false);
  });
});

describe('parseCloudEventJson', () => {
  it('round-trips an event', () => {
    const event = makeEvent('worklistQueried', SAMPLE_DATA.worklistQueried, { source });
    expect(parseCloudEventJson(JSON.stringify(event))).toEqual(event);
  });

  it.each([
    ['[]', /specversion/],
    ['null', /object/],
    ['{"specversion":"0.3","id":"1","source":"/s","type":"t"}', /specversion/],
    ['{"specversion":"1.0","id":"","source":"/s","type":"t"}', /id/],
    ['{"specversion":"1.0","id":"1","type":"t"}', /source/],
  ])('rejects %s', (text, message) => {
    expect(() => parseCloudEventJson(text)).toThrow(message);
  });

  it('rejects a type outside the contract when asked for its subject', () => {
    expect(() => subjectOfEvent({ type: 'com.example.other' })).toThrow(/not in the event contract/);
  });
});
